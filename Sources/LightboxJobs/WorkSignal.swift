import Foundation

/// Wakes idle worker threads when a job may have become runnable, so they need not spin.
/// A store notifies it on its own writes, and the PostgreSQL store also on `NOTIFY` from
/// other processes; `safetyPoll` bounds the wait for what no notification reports (a
/// retry's backoff running out, a write by a process that cannot notify).
public final class WorkSignal: @unchecked Sendable {
    private let condition = NSCondition()
    private var generation = 0
    public let safetyPoll: TimeInterval

    public init(safetyPoll: TimeInterval) {
        self.safetyPoll = safetyPoll
    }

    /// Read before looking for work; `wait(after:)` then returns at once if anything happened since.
    public var current: Int {
        condition.lock()
        defer { condition.unlock() }
        return generation
    }

    public func notify() {
        condition.lock()
        generation &+= 1
        condition.broadcast()
        condition.unlock()
    }

    /// Blocks the calling thread until a notification after `seen`, or `safetyPoll` seconds.
    public func wait(after seen: Int) {
        condition.lock()
        let deadline = Date(timeIntervalSinceNow: safetyPoll)
        while generation == seen, condition.wait(until: deadline) {}
        condition.unlock()
    }
}
