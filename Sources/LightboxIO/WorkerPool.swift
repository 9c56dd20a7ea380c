import Foundation

/// Runs work items on a fixed number of threads, one item per thread at a time, and hands
/// results back in input order on the calling thread. With one worker per core and a
/// single-threaded inference session per worker, decoding and encoding on one core overlap
/// with inference on the other.
public struct WorkerPool: Sendable {
    public let workers: Int

    public init(workers: Int) {
        self.workers = max(1, workers)
    }

    /// The default: one worker per core.
    public static var coreCount: Int { ProcessInfo.processInfo.activeProcessorCount }

    public func run<Item: Sendable, Output: Sendable>(_ items: [Item], work: @escaping @Sendable (Item) -> Output,
                                                      deliver: (Int, Output) -> Void) {
        let results = OrderedResults<Output>(count: items.count)
        let threads = min(workers, items.count)
        let finished = DispatchSemaphore(value: 0)
        for _ in 0..<threads {
            let thread = Thread {
                while let index = results.claim() { results.put(work(items[index]), at: index) }
                finished.signal()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        for index in items.indices { deliver(index, results.take(index)) }
        for _ in 0..<threads { finished.wait() }
    }
}

/// Hands out item indices and collects results; `take` waits for a given index.
private final class OrderedResults<Output>: @unchecked Sendable {
    // Every field is read and written under `condition`.
    private let condition = NSCondition()
    private var outputs: [Output?]
    private var nextIndex = 0

    init(count: Int) {
        outputs = Array(repeating: nil, count: count)
    }

    func claim() -> Int? {
        condition.withLock {
            guard nextIndex < outputs.count else { return nil }
            defer { nextIndex += 1 }
            return nextIndex
        }
    }

    func put(_ output: Output, at index: Int) {
        condition.withLock {
            outputs[index] = output
            condition.broadcast()
        }
    }

    func take(_ index: Int) -> Output {
        condition.withLock {
            while outputs[index] == nil { condition.wait() }
            defer { outputs[index] = nil }
            return outputs[index]!
        }
    }
}
