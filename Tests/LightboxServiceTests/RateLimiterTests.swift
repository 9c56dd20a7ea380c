import Foundation
import LightboxCore
import Testing

@testable import LightboxService

@Suite struct RateLimiterTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aKeyGetsItsBurstThenWaitsForTheRefill() throws {
        let limiter = RateLimiter(perMinute: 60, burst: 3)
        for _ in 1...3 { try limiter.admit("acct_a", now: start) }
        let refused = #expect(throws: RateLimited.self) { try limiter.admit("acct_a", now: start) }
        #expect(refused?.retryAfterSeconds == 1 && refused?.error.code == .rateLimited)
        try limiter.admit("acct_a", now: start + 1)
    }

    /// At the cap the limiter forgets buckets that have refilled (the same as none) before it
    /// forgets an active one, and never holds more than the cap.
    @Test func bucketsStayWithinTheCapAndBusyKeysKeepTheirs() throws {
        let limiter = RateLimiter(perMinute: 60, burst: 2, maxAccounts: 100)
        // A busy key empties its bucket, then 100 other keys arrive, the last ones later.
        try limiter.admit("busy", now: start)
        try limiter.admit("busy", now: start)
        for index in 0..<99 { try limiter.admit("idle_\(index)", now: start - 10) }
        #expect(limiter.count == 100)
        try limiter.admit("newcomer", now: start)
        #expect(limiter.count <= 100)
        // The idle buckets were full again (2 s to refill, 10 s old): the busy one is still empty.
        #expect(throws: RateLimited.self) { try limiter.admit("busy", now: start) }

        // When every bucket is active, the idlest goes.
        let full = RateLimiter(perMinute: 1, burst: 1, maxAccounts: 100)
        for index in 0..<150 { try full.admit("key_\(index)", now: start + Double(index) / 10) }
        #expect(full.count == 100)
        #expect(throws: RateLimited.self) { try full.admit("key_149", now: start + 15) }
        try full.admit("key_0", now: start + 15)
    }
}
