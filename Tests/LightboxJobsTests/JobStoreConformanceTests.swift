import Foundation
import LightboxCore
import LightboxJobs
import LightboxTestSupport
import Testing

/// What every job store must do. Each test runs against every store kind: the embedded
/// SQLite file and a fresh database on the test PostgreSQL server.
enum StoreKind: String, CaseIterable, CustomStringConvertible {
    case sqlite, postgres

    var description: String { rawValue }

    func make() async throws -> any JobStore {
        switch self {
        case .sqlite: try SQLiteJobStore(path: Fixtures.scratchFolder("jobs").appendingPathComponent("jobs.sqlite"))
        case .postgres: try await PostgresJobStore.open(PostgresURL(TestPostgres.freshDatabase("conformance")))
        }
    }
}

@Suite struct JobStoreConformanceTests {
    let start = Date(timeIntervalSince1970: 1_795_000_000)
    let lease = Duration.seconds(30)

    private func store(_ kind: StoreKind, credits: Int = 10) async throws -> any JobStore {
        let store = try await kind.make()
        try await store.createAccount(id: "acct", keyHash: "hash-of-key", credits: credits)
        return store
    }

    private func payload(_ text: String) -> Data { Data(text.utf8) }

    @Test(arguments: StoreKind.allCases)
    func aJobRunsQueuedProcessingCompletedAndIsChargedOnce(_ kind: StoreKind) async throws {
        let store = try await store(kind)
        let (queued, created) = try await store.enqueue(NewJob(account: "acct", payload: payload("a"), cost: 2), now: start)
        #expect(created && queued.state == .queued && queued.attempts == 0)
        #expect(try await store.account(id: "acct") == Account(id: "acct", balance: 10, reserved: 2, charged: 0))

        let claimed = try #require(try await store.claim(worker: "w1", lease: lease, now: start))
        #expect(claimed.id == queued.id && claimed.state == .processing && claimed.attempts == 1)
        #expect(claimed.leaseOwner == "w1" && claimed.leaseExpires == start + 30)
        #expect(try await store.claim(worker: "w2", lease: lease, now: start) == nil, "one job, one worker")

        #expect(try await store.complete(id: queued.id, worker: "w1", result: payload("done"), now: start + 5))
        #expect(try await !store.complete(id: queued.id, worker: "w1", result: payload("again"), now: start + 6),
                "a repeated completion changes nothing")
        let done = try #require(try await store.job(id: queued.id))
        #expect(done.state == .completed && done.result == payload("done") && done.leaseOwner == nil)
        #expect(try await store.account(id: "acct") == Account(id: "acct", balance: 8, reserved: 0, charged: 2))
    }

    @Test(arguments: StoreKind.allCases)
    func aReviewHoldsTheWebhookUntilTheOwnerDecides(_ kind: StoreKind) async throws {
        let store = try await store(kind)
        try await store.createAccount(id: "other", keyHash: "hash-of-other", credits: 10)
        let (job, _) = try await store.enqueue(NewJob(account: "acct", payload: payload("a"), webhookURL: "https://shop.example/h"),
                                               now: start)
        _ = try await store.claim(worker: "w1", lease: lease, now: start)
        #expect(try await store.flagForReview(id: job.id, reason: "low_score", now: start + 1))
        #expect(try await !store.flagForReview(id: job.id, reason: "touches_edge", now: start + 2), "flagged once")
        #expect(try await store.complete(id: job.id, worker: "w1", result: payload("done"), now: start + 3))
        #expect(try await store.dueWebhooks(now: start + 10, limit: 10).isEmpty, "no webhook before the decision")

        let pending = try await store.reviews(account: "acct", state: .pending, limit: 10)
        #expect(pending.map(\.id) == [job.id])
        #expect(pending.first?.review == Review(state: .pending, reason: "low_score", flaggedAt: start + 1))
        #expect(try await store.reviews(account: "other", state: .pending, limit: 10).isEmpty, "a key sees its own")
        #expect(try await store.decide(id: job.id, account: "other", decision: .approved, now: start + 20) == nil)

        let approved = try #require(try await store.decide(id: job.id, account: "acct", decision: .approved, now: start + 20))
        #expect(approved.review == Review(state: .approved, reason: "low_score", flaggedAt: start + 1, decidedBy: "acct",
                                          decidedAt: start + 20))
        #expect(try await store.decide(id: job.id, account: "acct", decision: .rejected, now: start + 21) == nil,
                "a decision stands")
        #expect(try await store.dueWebhooks(now: start + 20, limit: 10).map(\.id) == [job.id], "approval lets it go")
        #expect(try await store.reviews(account: "acct", state: .pending, limit: 10).isEmpty)
        #expect(try await store.reviews(account: "acct", state: .approved, limit: 10).map(\.id) == [job.id])
        let charged = try await store.account(id: "acct")?.charged
        #expect(try await store.job(id: job.id)?.state == .completed && charged == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func anIdempotencyKeyReturnsTheFirstJobAndReservesOnce(_ kind: StoreKind) async throws {
        let store = try await store(kind)
        let first = try await store.enqueue(NewJob(account: "acct", payload: payload("a"), idempotencyKey: "order-7"), now: start)
        let second = try await store.enqueue(NewJob(account: "acct", payload: payload("b"), idempotencyKey: "order-7"), now: start)
        #expect(first.created && !second.created && second.job.id == first.job.id && second.job.payload == payload("a"))
        #expect(try await store.account(id: "acct")?.reserved == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func anIdempotencyKeyWithOtherParametersIs422AndExpiresAfterADay(_ kind: StoreKind) async throws {
        let store = try await store(kind)
        let first = try await store.enqueue(NewJob(account: "acct", payload: payload("a"), idempotencyKey: "k",
                                                   fingerprint: "f1"), now: start)
        do {
            _ = try await store.enqueue(NewJob(account: "acct", payload: payload("b"), idempotencyKey: "k", fingerprint: "f2"),
                                        now: start + 60)
            Issue.record("a reused key with other parameters was accepted")
        } catch let error as LightboxError {
            #expect(error.code == .idempotencyMismatch && error.httpStatus == 422)
        }
        let dayLater = try await store.enqueue(NewJob(account: "acct", payload: payload("b"), idempotencyKey: "k",
                                                      fingerprint: "f2"), now: start + 24 * 3600 + 1)
        #expect(dayLater.created && dayLater.job.id != first.job.id)
        #expect(try await store.account(id: "acct")?.reserved == 2)
    }

    @Test(arguments: StoreKind.allCases)
    func theSameRequestAgainIsTheSameJobUnlessItFailed(_ kind: StoreKind) async throws {
        let store = try await store(kind)
        let first = try await store.enqueue(NewJob(account: "acct", payload: payload("a"), fingerprint: "same"), now: start)
        let again = try await store.enqueue(NewJob(account: "acct", payload: payload("a"), fingerprint: "same"), now: start + 1)
        #expect(!again.created && again.job.id == first.job.id)
        #expect(try await store.account(id: "acct")?.reserved == 1, "charged once")
        // A failed one may be asked for again.
        _ = try await store.claim(worker: "w", lease: lease, now: start + 2)
        _ = try await store.fail(id: first.job.id, worker: "w", error: JobError(code: "corrupt_image", message: "x"),
                                 permanent: true, retryAfter: .zero, now: start + 3)
        let retried = try await store.enqueue(NewJob(account: "acct", payload: payload("a"), fingerprint: "same"), now: start + 4)
        #expect(retried.created && retried.job.id != first.job.id)
    }

    @Test(arguments: StoreKind.allCases)
    func anAccountThatCannotCoverTheCostGets402(_ kind: StoreKind) async throws {
        let store = try await store(kind, credits: 1)
        _ = try await store.enqueue(NewJob(account: "acct", payload: payload("a")), now: start)
        await #expect(throws: LightboxError.self) {
            try await store.enqueue(NewJob(account: "acct", payload: payload("b")), now: start)
        }
        do {
            _ = try await store.enqueue(NewJob(account: "acct", payload: payload("b")), now: start)
        } catch let error as LightboxError {
            #expect(error.code == .insufficientCredits && error.httpStatus == 402)
        }
        #expect(try await store.counts()[.queued] == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func interactiveJobsGoBeforeBatchJobsThenOldestFirst(_ kind: StoreKind) async throws {
        let store = try await store(kind)
        let batch = try await store.enqueue(NewJob(account: "acct", payload: payload("b"), priority: JobPriority.batch), now: start)
        let older = try await store.enqueue(NewJob(account: "acct", payload: payload("i1")), now: start + 1)
        let newer = try await store.enqueue(NewJob(account: "acct", payload: payload("i2")), now: start + 2)
        var order: [String] = []
        while let job = try await store.claim(worker: "w", lease: lease, now: start + 3) { order.append(job.id) }
        #expect(order == [older.job.id, newer.job.id, batch.job.id])
    }

    @Test(arguments: StoreKind.allCases)
    func transientFailuresRetryAfterTheirBackoffThenTheJobIsDeadAndRefunded(_ kind: StoreKind) async throws {
        let store = try await store(kind)
        let id = try await store.enqueue(NewJob(account: "acct", payload: payload("a")), now: start).job.id
        let timeout = JobError(code: "model_failed", message: "inference failed")
        var now = start
        for attempt in 1...JobQueue.maxAttempts {
            let job = try #require(try await store.claim(worker: "w", lease: lease, now: now))
            #expect(job.attempts == attempt)
            let state = try await store.fail(id: id, worker: "w", error: timeout, permanent: false,
                                             retryAfter: .seconds(2), now: now)
            #expect(state == (attempt < JobQueue.maxAttempts ? .queued : .dead))
            if attempt < JobQueue.maxAttempts {
                #expect(try await store.claim(worker: "w", lease: lease, now: now + 1) == nil, "not before its backoff")
            }
            now = now + 2
        }
        let dead = try #require(try await store.job(id: id))
        #expect(dead.state == .dead && dead.error == timeout)
        #expect(try await store.jobs(in: .dead, limit: 10).map(\.id) == [id])
        #expect(try await store.account(id: "acct") == Account(id: "acct", balance: 10, reserved: 0, charged: 0))

        #expect(try await store.retryDead(id: id, now: now))
        #expect(try await store.job(id: id)?.state == .queued)
        #expect(try await store.account(id: "acct")?.reserved == 1)
        _ = try await store.claim(worker: "w", lease: lease, now: now)
        _ = try await store.fail(id: id, worker: "w", error: timeout, permanent: false, retryAfter: .zero, now: now)
        #expect(try await store.purgeDead() == 0, "queued again, not dead")
    }

    @Test(arguments: StoreKind.allCases)
    func aPermanentFailureIsNotRetried(_ kind: StoreKind) async throws {
        let store = try await store(kind)
        let id = try await store.enqueue(NewJob(account: "acct", payload: payload("a")), now: start).job.id
        _ = try await store.claim(worker: "w", lease: lease, now: start)
        let state = try await store.fail(id: id, worker: "w", error: JobError(LightboxError(.corruptImage, "bad")),
                                         permanent: true, retryAfter: .seconds(1), now: start)
        #expect(state == .failed)
        #expect(try await store.claim(worker: "w", lease: lease, now: start + 60) == nil)
        #expect(try await store.job(id: id)?.error?.code == "corrupt_image")
        #expect(try await store.account(id: "acct")?.reserved == 0)
    }

    @Test(arguments: StoreKind.allCases)
    func aDeadWorkersJobIsRescuedAndItsLateAnswerIgnored(_ kind: StoreKind) async throws {
        let store = try await store(kind)
        let id = try await store.enqueue(NewJob(account: "acct", payload: payload("a")), now: start).job.id
        _ = try await store.claim(worker: "crashed", lease: lease, now: start)
        #expect(try await store.heartbeat(id: id, worker: "crashed", lease: lease, now: start + 20))
        #expect(try await store.rescueExpired(now: start + 40).isEmpty, "the heartbeat kept the lease")
        #expect(try await store.rescueExpired(now: start + 51) == [id])
        let rescued = try #require(try await store.claim(worker: "w2", lease: lease, now: start + 52))
        #expect(rescued.id == id && rescued.attempts == 2 && rescued.error == .leaseExpired)
        #expect(try await !store.complete(id: id, worker: "crashed", result: payload("late"), now: start + 53))
        #expect(try await !store.heartbeat(id: id, worker: "crashed", lease: lease, now: start + 53))
        #expect(try await store.complete(id: id, worker: "w2", result: payload("done"), now: start + 54))
        #expect(try await store.account(id: "acct")?.charged == 1, "charged once")
    }

    @Test(arguments: StoreKind.allCases)
    func releasingALeaseDoesNotCountTheAttempt(_ kind: StoreKind) async throws {
        let store = try await store(kind)
        let id = try await store.enqueue(NewJob(account: "acct", payload: payload("a")), now: start).job.id
        _ = try await store.claim(worker: "w", lease: lease, now: start)
        #expect(try await store.release(id: id, worker: "w", now: start + 1))
        let job = try #require(try await store.job(id: id))
        #expect(job.state == .queued && job.attempts == 0 && job.leaseOwner == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func onlyAQueuedJobCanBeCancelledAndItIsRefunded(_ kind: StoreKind) async throws {
        let store = try await store(kind)
        let first = try await store.enqueue(NewJob(account: "acct", payload: payload("a"), cost: 3), now: start).job.id
        let second = try await store.enqueue(NewJob(account: "acct", payload: payload("b"), cost: 3), now: start + 1).job.id
        _ = try await store.claim(worker: "w", lease: lease, now: start + 2)
        #expect(try await !store.cancel(id: first, now: start + 3), "already processing")
        #expect(try await store.cancel(id: second, now: start + 3))
        let cancelled = try await store.job(id: second)
        #expect(cancelled?.state == .failed && cancelled?.error == .cancelled)
        #expect(try await store.account(id: "acct")?.reserved == 3)
        let counts = try await store.counts()
        #expect(counts[.processing] == 1 && counts[.failed] == 1 && counts[.queued] == 0)
    }

    @Test(arguments: StoreKind.allCases)
    func concurrentWorkersNeverClaimTheSameJob(_ kind: StoreKind) async throws {
        let store = try await store(kind, credits: 100)
        for index in 0..<40 {
            _ = try await store.enqueue(NewJob(account: "acct", payload: payload("\(index)")), now: start)
        }
        let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
            for worker in 0..<4 {
                group.addTask {
                    var mine: [String] = []
                    while let job = try await store.claim(worker: "w\(worker)", lease: .seconds(30), now: start + 1) {
                        mine.append(job.id)
                    }
                    return mine
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(claimed.count == 40 && Set(claimed).count == 40)
    }

    @Test(arguments: StoreKind.allCases)
    func concurrentIdenticalRequestsMakeOneJobAndReserveOnce(_ kind: StoreKind) async throws {
        let store = try await store(kind, credits: 100)
        let outcomes = try await withThrowingTaskGroup(of: (job: Job, created: Bool).self) { group in
            for index in 0..<12 {
                // Half by fingerprint alone, half also under one idempotency key.
                let key = index.isMultiple(of: 2) ? "order-9" : nil
                group.addTask {
                    try await store.enqueue(NewJob(account: "acct", payload: payload("same"), idempotencyKey: key,
                                                   fingerprint: "fp-same"), now: start)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter(\.created).count == 1 && Set(outcomes.map(\.job.id)).count == 1)
        #expect(try await store.account(id: "acct")?.reserved == 1)
        #expect(try await store.counts()[.queued] == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func concurrentRequestsNeverReserveMoreThanTheBalance(_ kind: StoreKind) async throws {
        let store = try await store(kind, credits: 5)
        let created = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<16 {
                group.addTask {
                    do {
                        return try await store.enqueue(NewJob(account: "acct", payload: payload("\(index)"),
                                                              fingerprint: "fp-\(index)"), now: start).created
                    } catch let error as LightboxError where error.code == .insufficientCredits {
                        return false
                    }
                }
            }
            return try await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
        }
        #expect(created == 5)
        #expect(try await store.account(id: "acct") == Account(id: "acct", balance: 5, reserved: 5, charged: 0))
        #expect(try await store.counts()[.queued] == 5)
    }

    @Test(arguments: StoreKind.allCases)
    func accountsAreFoundByTheirKeyHash(_ kind: StoreKind) async throws {
        let store = try await store(kind)
        #expect(try await store.account(keyHash: "hash-of-key")?.id == "acct")
        #expect(try await store.account(keyHash: "other") == nil)
    }
}
