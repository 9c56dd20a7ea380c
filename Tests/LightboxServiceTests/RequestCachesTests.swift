import Foundation
import LightboxJobs
import LightboxTestSupport
import Testing

@testable import LightboxService

@Suite struct RequestCachesTests {
    @Test func theKeyCacheHoldsAtMostItsCapacityAndStillAnswersEveryKey() async throws {
        let folder = try Fixtures.scratchFolder("key-cache")
        let store = try SQLiteJobStore(path: folder.appendingPathComponent("lightbox.sqlite"))
        for index in 0..<40 { try await store.createAccount(id: "acct_\(index)", keyHash: "hash_\(index)", credits: 1) }
        let time = TestClock(Date(timeIntervalSince1970: 1_800_000_000))
        let cache = KeyCache(store: store, clock: time.clock, capacity: 16)
        for index in 0..<40 {
            #expect(try await cache.hash(of: "acct_\(index)") == "hash_\(index)")
            time.advance(by: 0.1)
            #expect(cache.count <= 16)
        }
        #expect(cache.count == 16)
        // Evicted keys are read from the store again, unknown ones are not kept.
        #expect(try await cache.hash(of: "acct_0") == "hash_0")
        #expect(try await cache.hash(of: "acct_unknown") == nil)
        #expect(cache.count == 16)
    }
}
