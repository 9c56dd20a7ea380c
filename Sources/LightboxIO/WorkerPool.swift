import Foundation
import Synchronization

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

    /// Once `stop` is raised, no new item starts; items already started finish and are
    /// delivered, the rest are not.
    public func run<Item: Sendable, Output: Sendable>(_ items: [Item], stop: StopFlag? = nil,
                                                      work: @escaping @Sendable (Item) -> Output,
                                                      deliver: (Int, Output) -> Void) {
        let results = OrderedResults<Output>(count: items.count, stop: stop)
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
        for index in items.indices {
            guard let output = results.take(index) else { break }
            deliver(index, output)
        }
        for _ in 0..<threads { finished.wait() }
    }
}

/// Hands out item indices and collects results; `take` waits for a given index.
private final class OrderedResults<Output>: @unchecked Sendable {
    // Every field is read and written under `condition`.
    private let condition = NSCondition()
    private var outputs: [Output?]
    private var nextIndex = 0
    private let stop: StopFlag?

    init(count: Int, stop: StopFlag?) {
        outputs = Array(repeating: nil, count: count)
        self.stop = stop
    }

    func claim() -> Int? {
        condition.withLock {
            guard nextIndex < outputs.count, stop?.isRaised != true else { return nil }
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

    /// The output of `index`, or nil when it was never started because of a stop.
    func take(_ index: Int) -> Output? {
        condition.withLock {
            while outputs[index] == nil {
                if index >= nextIndex, stop?.isRaised == true { return nil }
                // A stop is raised from outside: look again now and then.
                _ = condition.wait(until: Date() + 0.1)
            }
            defer { outputs[index] = nil }
            return outputs[index]!
        }
    }
}

/// Raised once, from a signal handler or another thread, to stop a `WorkerPool` taking work.
public final class StopFlag: Sendable {
    private let raised = Mutex(false)

    public init() {}

    public func raise() { raised.withLock { $0 = true } }
    public var isRaised: Bool { raised.withLock { $0 } }
}
