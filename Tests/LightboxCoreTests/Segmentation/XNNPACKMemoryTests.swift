import Testing

@testable import LightboxCore

@Suite struct XNNPACKMemoryTests {
    @Test func aFreedLargeBlockIsHandedOutAgain() throws {
        // Larger than any buffer u2netp asks for, so parallel tests cannot take it first.
        let size = 20 << 20
        let first = try #require(XNNPACKMemory.allocate(size, alignment: 64))
        XNNPACKMemory.release(first)
        let second = try #require(XNNPACKMemory.allocate(size - 1000, alignment: 64))
        #expect(second == first)
        #expect(Int(bitPattern: second) % 64 == 0)
        XNNPACKMemory.release(second)
    }

    @Test func growingABlockKeepsItsBytes() throws {
        let block = try #require(XNNPACKMemory.allocate(1000, alignment: 64))
        for index in 0..<1000 { block.storeBytes(of: UInt8(index % 251), toByteOffset: index, as: UInt8.self) }
        let grown = try #require(XNNPACKMemory.reallocate(block, 2 * XNNPACKMemory.cachedFrom))
        #expect((0..<1000).allSatisfy { grown.load(fromByteOffset: $0, as: UInt8.self) == UInt8($0 % 251) })
        // Shrinking requests fit in place.
        #expect(XNNPACKMemory.reallocate(grown, 10) == grown)
        XNNPACKMemory.release(grown)
    }
}
