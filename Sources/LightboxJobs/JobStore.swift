import Foundation
import LightboxCore

/// The durable queue: jobs move queued → processing → completed | failed | dead, and
/// every store (embedded SQLite, PostgreSQL for several machines) passes the same
/// conformance tests. Every transition is one transaction, guarded by the state it
/// leaves, so that a repeated or late call (a worker whose lease was rescued) changes
/// nothing and never charges twice.
public protocol JobStore: Sendable, CustomStringConvertible {
    /// Adds an account with `credits`; its key is stored only as a hash.
    func createAccount(id: String, keyHash: String, credits: Int) async throws
    func account(id: String) async throws -> Account?
    func account(keyHash: String) async throws -> Account?
    /// The stored hash of the account's key, for a constant-time comparison by the caller.
    func keyHash(account: String) async throws -> String?

    /// Reserves the job's cost and queues it. Returns an existing job instead (`created` false,
    /// nothing reserved) for an idempotency key the account used in the last 24 hours, or for
    /// the same fingerprint (same input and options) that is queued, running or completed.
    /// Throws `idempotency_mismatch` (422) for a recent key with another fingerprint, and
    /// `insufficient_credits` (402) when the account cannot cover the cost.
    func enqueue(_ job: NewJob, now: Date) async throws -> (job: Job, created: Bool)
    func job(id: String) async throws -> Job?

    /// The next runnable job (highest priority, then oldest), leased to `worker`.
    func claim(worker: String, lease: Duration, now: Date) async throws -> Job?
    /// Extends the lease; false when the worker no longer holds it.
    func heartbeat(id: String, worker: String, lease: Duration, now: Date) async throws -> Bool
    /// Completes and charges; false when the worker no longer holds the lease.
    func complete(id: String, worker: String, result: Data, now: Date) async throws -> Bool
    /// A permanent error fails the job; a transient one queues it again after `retryAfter`,
    /// or makes it dead once `maxAttempts` have run. Failed and dead jobs are refunded.
    func fail(id: String, worker: String, error: JobError, permanent: Bool, retryAfter: Duration,
              now: Date) async throws -> Job.State?
    /// Hands the job back without counting the attempt (graceful shutdown).
    func release(id: String, worker: String, now: Date) async throws -> Bool
    /// Requeues processing jobs whose lease expired (their worker died); dead after the last attempt.
    func rescueExpired(now: Date) async throws -> [String]
    /// Cancels a queued job and refunds it; false when it is no longer queued.
    func cancel(id: String, now: Date) async throws -> Bool

    func jobs(in state: Job.State, limit: Int) async throws -> [Job]
    func counts() async throws -> [Job.State: Int]
    /// Queues a dead job again with a fresh set of attempts, reserving its cost again.
    func retryDead(id: String, now: Date) async throws -> Bool
    func purgeDead() async throws -> Int

    /// Sends a job to the review queue, before it ends, so that a completed job's webhook waits
    /// for the decision; false when it was already sent.
    func flagForReview(id: String, reason: String, now: Date) async throws -> Bool
    /// The account's jobs whose review is in `state`, oldest first.
    func reviews(account: String, state: Review.State, limit: Int) async throws -> [Job]
    /// Records a decision on the account's pending review (approved lets the webhook go);
    /// nil when there is none pending.
    func decide(id: String, account: String, decision: Review.State, now: Date) async throws -> Job?

    /// Ended jobs whose webhook is due: not yet delivered, not given up, and past its backoff.
    func dueWebhooks(now: Date, limit: Int) async throws -> [Job]
    /// Logs one delivery attempt; `retryAt` nil means no more attempts (delivered or given up).
    func recordWebhook(id: String, delivery: WebhookDelivery, retryAt: Date?) async throws
    func webhookDeliveries(id: String) async throws -> [WebhookDelivery]

    /// The secret stored under `name`, which every process on this store shares (webhook
    /// signatures, signed links); `proposed` becomes it when there is none yet.
    func sharedSecret(named name: String, proposed: Data) async throws -> Data

    /// Wakes this process's idle workers when work may be waiting.
    var workSignal: WorkSignal { get }
    /// Starts listening for work queued by other processes, where the store can (PostgreSQL's NOTIFY).
    func startWakeups()
}

extension JobStore {
    public func startWakeups() {}
}

public enum JobQueue {
    public static let maxAttempts = 3
    /// How long an idempotency key returns its first job.
    public static let idempotencyWindow: TimeInterval = 24 * 3600
}
