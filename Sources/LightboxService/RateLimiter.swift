import Foundation
import HTTPTypes
import LightboxCore
import Synchronization

/// A token bucket per account: `burst` requests at once, refilled at `perMinute`.
/// In memory, per process: several processes each allow the rate. At most `maxAccounts`
/// buckets are held: a full bucket is the same as none, so those go first, then the idlest.
final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: Date
    }

    let perMinute: Double
    let burst: Double
    let maxAccounts: Int
    private let buckets = Mutex<[String: Bucket]>([:])

    init(perMinute: Int, burst: Int, maxAccounts: Int = 10_000) {
        self.perMinute = Double(perMinute)
        self.burst = Double(burst)
        self.maxAccounts = maxAccounts
    }

    /// How many buckets are held, for tests.
    var count: Int { buckets.withLock { $0.count } }

    /// Takes a token, or throws `rate_limited` with the seconds until the next one.
    func admit(_ account: String, now: Date = Date()) throws {
        let wait: Double? = buckets.withLock { buckets in
            var bucket = buckets[account] ?? Bucket(tokens: burst, updated: now)
            bucket.tokens = min(burst, bucket.tokens + now.timeIntervalSince(bucket.updated) * perMinute / 60)
            bucket.updated = now
            defer {
                if buckets.updateValue(bucket, forKey: account) == nil && buckets.count > maxAccounts {
                    evict(from: &buckets, keeping: account, now: now)
                }
            }
            guard bucket.tokens >= 1 else { return (1 - bucket.tokens) * 60 / perMinute }
            bucket.tokens -= 1
            return nil
        }
        if let wait { throw RateLimited(retryAfterSeconds: max(1, Int(wait.rounded(.up))), limit: Int(burst), now: now) }
    }

    private func evict(from buckets: inout [String: Bucket], keeping account: String, now: Date) {
        let refillSeconds = burst * 60 / perMinute
        buckets = buckets.filter { $0.key == account || now.timeIntervalSince($0.value.updated) < refillSeconds }
        while buckets.count > maxAccounts,
              let idlest = buckets.filter({ $0.key != account }).min(by: { $0.value.updated < $1.value.updated }) {
            buckets[idlest.key] = nil
        }
    }
}

/// Answered as 429 `rate_limited` with a `Retry-After` header.
struct RateLimited: Error {
    let retryAfterSeconds: Int
    /// How many requests the bucket holds.
    let limit: Int
    let now: Date

    /// The headers remove.bg's clients read; none is left until the reset.
    var headers: HTTPFields {
        [.retryAfter: String(retryAfterSeconds), HTTPField.Name("X-RateLimit-Limit")!: String(limit),
         HTTPField.Name("X-RateLimit-Remaining")!: "0",
         HTTPField.Name("X-RateLimit-Reset")!: String(Int(now.timeIntervalSince1970) + retryAfterSeconds)]
    }

    var error: LightboxError {
        LightboxError(.rateLimited, "Too many requests for this key; retry after \(retryAfterSeconds) s")
    }
}
