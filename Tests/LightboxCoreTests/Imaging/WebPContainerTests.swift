import Foundation
import LightboxTestSupport
import Testing

@testable import LightboxCore

@Suite struct WebPContainerTests {
    private func chunk(_ tag: String, _ body: [UInt8]) -> [UInt8] {
        let length = UInt32(body.count)
        return Array(tag.utf8) + (0..<4).map { UInt8(length >> (8 * UInt32($0)) & 0xFF) } + body
            + (body.count % 2 == 1 ? [0] : [])
    }

    @Test func removesExifAndXmpChunksAndTheirFlags() throws {
        let image = try VipsImage.solid(PixelSize(width: 8, height: 8), colour: [10, 200, 30, 255]).tagged(.srgb)
        let encoded = [UInt8](try image.encoded(as: .webp))
        // Rebuild the file with metadata chunks and their VP8X flags set.
        var chunks: [UInt8] = []
        var offset = 12
        while offset + 8 <= encoded.count {
            let length = Int(encoded[offset + 4]) | Int(encoded[offset + 5]) << 8 | Int(encoded[offset + 6]) << 16
            var body = Array(encoded[offset..<min(encoded.count, offset + 8 + length + (length & 1))])
            if String(decoding: body[0..<4], as: UTF8.self) == "VP8X" { body[8] |= 0x0C }
            chunks += body
            offset += 8 + length + (length & 1)
        }
        chunks += chunk("EXIF", Array("Exif\0\0II*\0".utf8)) + chunk("XMP ", Array("<x:xmpmeta/>".utf8))
        let size = UInt32(4 + chunks.count)
        let tagged = Data(Array("RIFF".utf8) + (0..<4).map { UInt8(size >> (8 * UInt32($0)) & 0xFF) } + Array("WEBP".utf8) + chunks)

        let cleaned = WebPContainer.removingMetadata(from: tagged)
        #expect(cleaned.range(of: Data("EXIF".utf8)) == nil && cleaned.range(of: Data("XMP ".utf8)) == nil)
        let riffSize = [UInt8](cleaned)[4..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(riffSize == cleaned.count - 8)
        let vp8x = try #require(cleaned.range(of: Data("VP8X".utf8)))
        #expect([UInt8](cleaned)[vp8x.lowerBound + 8] & 0x0C == 0)
        #expect(try VipsImage.decode(cleaned).size == PixelSize(width: 8, height: 8))
    }

    @Test func leavesOtherDataAlone() {
        let text = Data("not a webp file".utf8)
        #expect(WebPContainer.removingMetadata(from: text) == text)
    }
}
