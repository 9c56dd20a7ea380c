import Foundation
import Testing

@testable import LightboxJobs

/// The state machine alone, with the time given to every event.
@Suite struct JobLifecycleTests {
    let start = Date(timeIntervalSince1970: 1_795_000_000)
    let failure = JobError(code: "model_failed", message: "inference failed")

    private func queued() -> Job {
        Job(id: "gen_1", account: "acct", state: .queued, priority: 10, payload: Data(), cost: 2, idempotencyKey: nil,
            fingerprint: nil, attempts: 0, runAfter: start, leaseOwner: nil, leaseExpires: nil, error: nil, result: nil,
            webhookURL: nil, createdAt: start, updatedAt: start)
    }

    private func apply(_ event: JobLifecycle.Event, _ job: Job, at seconds: Double) -> (job: Job, credits: JobLifecycle.Credits)? {
        JobLifecycle.apply(event, to: job, now: start + seconds)
    }

    @Test func aTransientFailureWaitsItsBackoffAndTheThirdIsDeadAndRefunded() throws {
        var job = queued()
        var now = 0.0
        for attempt in 1...3 {
            job = try #require(apply(.claim(worker: "w", lease: .seconds(30)), job, at: now)?.job)
            #expect(job.state == .processing && job.attempts == attempt && job.leaseExpires == start + now + 30)
            let retryAt = start + now + Double(1 << (attempt - 1))
            let (next, credits) = try #require(apply(.fail(worker: "w", error: failure, permanent: false, retryAt: retryAt),
                                                     job, at: now + 0.5))
            job = next
            if attempt < 3 {
                #expect(job.state == .queued && job.runAfter == retryAt && credits == .unchanged)
                #expect(apply(.claim(worker: "w", lease: .seconds(30)), job, at: now + 0.9) == nil, "not before its backoff")
                now = retryAt.timeIntervalSince(start)
            } else {
                #expect(job.state == .dead && job.error == failure && credits == .refund)
            }
        }
        let (revived, credits) = try #require(apply(.retryDead, job, at: 100))
        #expect(revived.state == .queued && revived.attempts == 0 && credits == .reserve)
    }

    @Test func permanentFailuresEndAtOnce() throws {
        let claimed = try #require(apply(.claim(worker: "w", lease: .seconds(30)), queued(), at: 0)?.job)
        let (failed, credits) = try #require(apply(.fail(worker: "w", error: failure, permanent: true, retryAt: start), claimed, at: 1))
        #expect(failed.state == .failed && credits == .refund)
    }

    @Test func onlyTheLeaseHolderMayAnswerAndOnlyOnce() throws {
        let claimed = try #require(apply(.claim(worker: "old", lease: .seconds(30)), queued(), at: 0)?.job)
        #expect(apply(.leaseExpired, claimed, at: 29) == nil, "the lease still holds")
        let rescued = try #require(apply(.leaseExpired, claimed, at: 31))
        #expect(rescued.job.state == .queued && rescued.job.error == .leaseExpired && rescued.job.attempts == 1)
        let reclaimed = try #require(apply(.claim(worker: "new", lease: .seconds(30)), rescued.job, at: 32)?.job)
        #expect(apply(.complete(worker: "old"), reclaimed, at: 33) == nil)
        #expect(apply(.heartbeat(worker: "old", lease: .seconds(30)), reclaimed, at: 33) == nil)
        let (done, credits) = try #require(apply(.complete(worker: "new"), reclaimed, at: 34))
        #expect(done.state == .completed && credits == .charge)
        #expect(apply(.complete(worker: "new"), done, at: 35) == nil, "a second completion charges nothing")
    }

    @Test func releaseHandsBackWithoutCountingAndCancelOnlyBeforeStart() throws {
        let claimed = try #require(apply(.claim(worker: "w", lease: .seconds(30)), queued(), at: 0)?.job)
        #expect(apply(.cancel, claimed, at: 1) == nil)
        let released = try #require(apply(.release(worker: "w"), claimed, at: 2)?.job)
        #expect(released.state == .queued && released.attempts == 0 && released.leaseOwner == nil)
        let (cancelled, credits) = try #require(apply(.cancel, released, at: 3))
        #expect(cancelled.state == .failed && cancelled.error == .cancelled && credits == .refund)
    }
}
