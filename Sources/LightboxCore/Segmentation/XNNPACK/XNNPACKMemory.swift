import CXNNPACK
import Foundation
import Synchronization

/// XNNPACK's allocator. Sessions rebuild their large operators on every run (see
/// `XNNPACKSession.isTransient`), which allocates the same few multi-megabyte
/// buffers each time. When the process returns large buffers to the kernel at once
/// (`ProcessMemory`), each rebuild would fault in fresh zeroed pages: 70 ms an inference.
/// Freed large blocks are kept here, up to a cap, and handed out again.
enum XNNPACKMemory {
    static var allocator: xnn_allocator {
        xnn_allocator(context: nil, allocate: { _, size in XNNPACKMemory.allocate(size, alignment: 64) },
                      reallocate: { _, pointer, size in XNNPACKMemory.reallocate(pointer, size) },
                      deallocate: { _, pointer in XNNPACKMemory.release(pointer) },
                      aligned_allocate: { _, alignment, size in XNNPACKMemory.allocate(size, alignment: alignment) },
                      aligned_deallocate: { _, pointer in XNNPACKMemory.release(pointer) })
    }

    /// Blocks below this size come and go through malloc as usual.
    static let cachedFrom = 256 << 10
    static let cacheCap = 24 << 20
    /// Each block starts with a header that records where it begins and how big it is.
    private static let headerBytes = 64

    private struct Block {
        var address: Int
        var capacity: Int
        var offset: Int

        var base: UnsafeMutableRawPointer { UnsafeMutableRawPointer(bitPattern: address)! }
    }

    private static let cache = Mutex<[Block]>([])

    static func allocate(_ size: Int, alignment: Int) -> UnsafeMutableRawPointer? {
        let offset = max(headerBytes, alignment)
        if size >= cachedFrom, let block = takeCached(size: size, offset: offset) { return hand(block) }
        var base: UnsafeMutableRawPointer?
        guard posix_memalign(&base, max(alignment, headerBytes), offset + size) == 0, let base else { return nil }
        return hand(Block(address: Int(bitPattern: base), capacity: size, offset: offset))
    }

    static func reallocate(_ pointer: UnsafeMutableRawPointer?, _ size: Int) -> UnsafeMutableRawPointer? {
        guard let pointer else { return allocate(size, alignment: headerBytes) }
        let block = header(of: pointer)
        if size <= block.capacity { return pointer }
        guard let grown = allocate(size, alignment: block.offset) else { return nil }
        grown.copyMemory(from: pointer, byteCount: block.capacity)
        release(pointer)
        return grown
    }

    static func release(_ pointer: UnsafeMutableRawPointer?) {
        guard let pointer else { return }
        let block = header(of: pointer)
        guard block.capacity >= cachedFrom else { return free(block.base) }
        let evicted: [Block] = cache.withLock { blocks in
            blocks.append(block)
            var evicted: [Block] = []
            // Over the cap, the oldest go first.
            while blocks.reduce(0, { $0 + $1.capacity }) > cacheCap { evicted.append(blocks.removeFirst()) }
            return evicted
        }
        for old in evicted { free(old.base) }
    }

    /// The smallest cached block that fits without wasting more than half of itself.
    private static func takeCached(size: Int, offset: Int) -> Block? {
        cache.withLock { blocks in
            let fitting = blocks.indices.filter {
                blocks[$0].capacity >= size && blocks[$0].capacity <= 2 * size && blocks[$0].offset == offset
            }
            guard let best = fitting.min(by: { blocks[$0].capacity < blocks[$1].capacity }) else { return nil }
            return blocks.remove(at: best)
        }
    }

    private static func hand(_ block: Block) -> UnsafeMutableRawPointer {
        let pointer = block.base + block.offset
        let header = pointer - 3 * MemoryLayout<Int>.size
        header.storeBytes(of: block.address, as: Int.self)
        header.storeBytes(of: block.capacity, toByteOffset: MemoryLayout<Int>.size, as: Int.self)
        header.storeBytes(of: block.offset, toByteOffset: 2 * MemoryLayout<Int>.size, as: Int.self)
        return pointer
    }

    private static func header(of pointer: UnsafeMutableRawPointer) -> Block {
        let header = pointer - 3 * MemoryLayout<Int>.size
        return Block(address: header.load(as: Int.self),
                     capacity: header.load(fromByteOffset: MemoryLayout<Int>.size, as: Int.self),
                     offset: header.load(fromByteOffset: 2 * MemoryLayout<Int>.size, as: Int.self))
    }
}
