import Foundation
import LightboxJobs
import Synchronization

/// Accounts' key hashes, kept for a short while so that a request under load does not wait
/// on the store to authenticate. A key created since is found at once (misses go to the store).
/// At most `capacity` are held: expired ones go first, then those expiring soonest.
final class KeyCache: Sendable {
    static let lifetime: TimeInterval = 30
    let capacity: Int
    private let store: any JobStore
    private let clock: ServiceClock
    private let hashes = Mutex<[String: (hash: String, until: Date)]>([:])

    init(store: any JobStore, clock: ServiceClock, capacity: Int = 10_000) {
        self.store = store
        self.clock = clock
        self.capacity = capacity
    }

    /// How many hashes are held, for tests.
    var count: Int { hashes.withLock { $0.count } }

    func hash(of account: String) async throws -> String? {
        let now = clock.now()
        if let cached = hashes.withLock({ $0[account] }), cached.until > now { return cached.hash }
        guard let hash = try await store.keyHash(account: account) else { return nil }
        hashes.withLock { hashes in
            hashes[account] = (hash, now + Self.lifetime)
            guard hashes.count > capacity else { return }
            hashes = hashes.filter { $0.value.until > now }
            while hashes.count > capacity, let soonest = hashes.min(by: { $0.value.until < $1.value.until }) {
                hashes[soonest.key] = nil
            }
        }
        return hash
    }
}

/// How many jobs are queued or running, for an answer's `estimated_seconds`: counted at most
/// once a second, not on every request.
final class QueueDepth: Sendable {
    private let store: any JobStore
    private let clock: ServiceClock
    private let last = Mutex<(count: Int, at: Date)?>(nil)

    init(store: any JobStore, clock: ServiceClock) {
        self.store = store
        self.clock = clock
    }

    func ahead() async throws -> Int {
        let now = clock.now()
        if let last = last.withLock({ $0 }), now.timeIntervalSince(last.at) < 1 { return last.count }
        let counts = try await store.counts()
        let count = (counts[.queued] ?? 0) + (counts[.processing] ?? 0)
        last.withLock { $0 = (count, now) }
        return count
    }
}
