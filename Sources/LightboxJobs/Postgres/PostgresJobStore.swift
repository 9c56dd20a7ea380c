import Foundation
import LightboxCore
import Logging
import PostgresNIO

/// The job store for several machines: one PostgreSQL database that every API and worker
/// process shares. Each transition is one transaction that locks the job's row, applies
/// `JobLifecycle`, and moves the account's credits; workers claim with `FOR UPDATE SKIP
/// LOCKED`, so they never wait on each other, and wake on `NOTIFY`. Connections come from
/// postgres-nio's bounded pool; a dropped connection or a server restart is retried with
/// backoff, and every transition is guarded by the state it leaves, so a retried call
/// never charges twice.
public final class PostgresJobStore: JobStore {
    static let channel = "lightbox_jobs"
    public let url: PostgresURL
    public var description: String { url.description }
    public let workSignal = WorkSignal(safetyPoll: 2)
    let client: PostgresClient
    let logger: Logger
    private let running: Task<Void, Never>
    private let listener = ListenerTask()

    private init(url: PostgresURL, logger: Logger) {
        self.url = url
        self.logger = logger
        let client = PostgresClient(configuration: url.clientConfiguration, backgroundLogger: logger)
        self.client = client
        running = Task { await client.run() }
    }

    /// Connects, checks that the server answers and accepts the credentials (a clear error
    /// otherwise), and brings the schema up to date unless told not to (`lightbox migrate`).
    public static func open(_ url: PostgresURL, migrating: Bool = true,
                            logger: Logger = Logger(label: "lightbox.postgres")) async throws -> PostgresJobStore {
        var silenced = logger
        silenced.logLevel = .critical
        let quiet = silenced
        let store = PostgresJobStore(url: url, logger: quiet)
        do {
            try await PostgresProbe.check(url, logger: quiet)
            if migrating { try await store.retrying { try await PostgresMigrations.migrate(store.client, logger: quiet) } }
        } catch {
            store.close()
            throw error
        }
        return store
    }

    /// Applies the schema steps the database lacks (`lightbox migrate`); returns their versions.
    public func migrate() async throws -> [Int] {
        try await retrying { try await PostgresMigrations.migrate(client, logger: logger) }
    }

    public func close() {
        listener.cancel()
        running.cancel()
    }

    deinit { close() }

    // MARK: Accounts

    public func createAccount(id: String, keyHash: String, credits: Int) async throws {
        try await transaction { connection in
            try await connection.query("INSERT INTO accounts (id, key_hash, balance) VALUES (\(id), \(keyHash), \(credits))",
                                       logger: logger)
        }
    }

    public func account(id: String) async throws -> Account? {
        try await rows("SELECT * FROM accounts WHERE id = \(id)").first.map(Self.account)
    }

    public func account(keyHash: String) async throws -> Account? {
        try await rows("SELECT * FROM accounts WHERE key_hash = \(keyHash)").first.map(Self.account)
    }

    public func keyHash(account: String) async throws -> String? {
        try await rows("SELECT key_hash FROM accounts WHERE id = \(account)").first?.decode(String.self)
    }

    // MARK: Jobs

    public func enqueue(_ new: NewJob, now: Date) async throws -> (job: Job, created: Bool) {
        let id = Job.newID()
        let row = try await retrying {
            do {
                return try await client.query("""
                    SELECT * FROM lightbox_enqueue(\(id), \(new.account), \(new.priority), \(new.payload), \(new.cost),
                        \(new.idempotencyKey), \(now.timeIntervalSince1970), \(new.webhookURL), \(new.fingerprint),
                        \(JobQueue.idempotencyWindow), \(Self.channel))
                    """, logger: logger).collect().first
            } catch let error as PSQLError {
                throw Self.refusal(error, new) ?? error
            }
        }
        guard let row else { throw LightboxError(.internal, "PostgreSQL: lightbox_enqueue returned no job") }
        let job = try Self.job(row)
        let created = job.id == id
        if created { workSignal.notify() }
        return (job, created)
    }

    /// The error that `lightbox_enqueue` meant by one of its own SQLSTATEs, if it was one.
    private static func refusal(_ error: PSQLError, _ new: NewJob) -> LightboxError? {
        let detail = error.serverInfo?[.message] ?? ""
        switch error.serverInfo?[.sqlState] {
        case "LB001":
            return LightboxError(.idempotencyMismatch, "Idempotency-Key '\(new.idempotencyKey ?? "")' was used with "
                                 + "other parameters for \(detail)")
        case "LB002":
            return LightboxError(.insufficientCredits, "The image costs \(new.cost) credit(s); \(detail) are available")
        case "LB003":
            return LightboxError(.invalidOption, "Unknown account \(detail)")
        default:
            return nil
        }
    }

    public func job(id: String) async throws -> Job? {
        try await rows("SELECT * FROM jobs WHERE id = \(id)").first.map(Self.job)
    }

    public func claim(worker: String, lease: Duration, now: Date) async throws -> Job? {
        try await transaction { connection in
            guard let row = try await Self.rows(connection, logger, """
                SELECT * FROM jobs WHERE state = 'queued' AND run_after <= \(now.timeIntervalSince1970)
                ORDER BY priority DESC, created_at, seq LIMIT 1 FOR UPDATE SKIP LOCKED
                """).first else { return nil }
            return try await Self.transition(try Self.job(row), .claim(worker: worker, lease: lease), now: now,
                                             connection, logger)
        }
    }

    public func heartbeat(id: String, worker: String, lease: Duration, now: Date) async throws -> Bool {
        try await transition(id, .heartbeat(worker: worker, lease: lease), now: now) != nil
    }

    public func complete(id: String, worker: String, result: Data, now: Date) async throws -> Bool {
        try await transition(id, .complete(worker: worker), now: now, result: result) != nil
    }

    public func fail(id: String, worker: String, error: JobError, permanent: Bool, retryAfter: Duration,
                     now: Date) async throws -> Job.State? {
        let next = try await transition(id, .fail(worker: worker, error: error, permanent: permanent,
                                                  retryAt: now + retryAfter.seconds), now: now)
        return next?.state
    }

    public func release(id: String, worker: String, now: Date) async throws -> Bool {
        try await transition(id, .release(worker: worker), now: now) != nil
    }

    public func rescueExpired(now: Date) async throws -> [String] {
        try await transaction { connection in
            let expired = try await Self.rows(connection, logger, """
                SELECT * FROM jobs WHERE state = 'processing' AND lease_expires < \(now.timeIntervalSince1970)
                FOR UPDATE SKIP LOCKED
                """).map(Self.job)
            var rescued: [String] = []
            for job in expired where try await Self.transition(job, .leaseExpired, now: now, connection, logger) != nil {
                rescued.append(job.id)
            }
            return rescued
        }
    }

    public func cancel(id: String, now: Date) async throws -> Bool {
        try await transition(id, .cancel, now: now) != nil
    }

    public func jobs(in state: Job.State, limit: Int) async throws -> [Job] {
        try await rows("SELECT * FROM jobs WHERE state = \(state.rawValue) ORDER BY updated_at DESC, seq DESC LIMIT \(limit)")
            .map(Self.job)
    }

    public func counts() async throws -> [Job.State: Int] {
        var counts = Dictionary(uniqueKeysWithValues: Job.State.allCases.map { ($0, 0) })
        for row in try await rows("SELECT state, COUNT(*) FROM jobs GROUP BY state") {
            let (state, count) = try row.decode((String, Int).self)
            if let state = Job.State(rawValue: state) { counts[state] = count }
        }
        return counts
    }

    public func retryDead(id: String, now: Date) async throws -> Bool {
        try await transition(id, .retryDead, now: now) != nil
    }

    public func purgeDead() async throws -> Int {
        try await rows("DELETE FROM jobs WHERE state = 'dead' RETURNING id").count
    }

    // MARK: Reviews

    public func flagForReview(id: String, reason: String, now: Date) async throws -> Bool {
        try await !rows("""
            UPDATE jobs SET review_state = 'pending', review_reason = \(reason), review_flagged_at = \(now.timeIntervalSince1970)
            WHERE id = \(id) AND review_state IS NULL RETURNING id
            """).isEmpty
    }

    public func reviews(account: String, state: Review.State, limit: Int) async throws -> [Job] {
        try await rows("""
            SELECT * FROM jobs WHERE account = \(account) AND review_state = \(state.rawValue)
            ORDER BY review_flagged_at, id LIMIT \(limit)
            """).map(Self.job)
    }

    public func decide(id: String, account: String, decision: Review.State, now: Date) async throws -> Job? {
        // An approval lets a waiting webhook go at once.
        let at = now.timeIntervalSince1970
        return try await rows("""
            UPDATE jobs SET review_state = \(decision.rawValue), review_by = \(account), review_at = \(at),
            webhook_next_at = CASE WHEN \(decision == .approved) THEN \(at) ELSE webhook_next_at END
            WHERE id = \(id) AND account = \(account) AND review_state = 'pending' RETURNING *
            """).first.map(Self.job)
    }

    // MARK: Webhooks

    public func dueWebhooks(now: Date, limit: Int) async throws -> [Job] {
        // A completed job waiting for review is not announced until a person approves it.
        try await rows("""
            SELECT * FROM jobs WHERE webhook_url IS NOT NULL AND NOT webhook_done
            AND state IN ('completed', 'failed', 'dead') AND webhook_next_at <= \(now.timeIntervalSince1970)
            AND NOT (state = 'completed' AND review_state IS NOT NULL AND review_state <> 'approved')
            ORDER BY updated_at LIMIT \(limit)
            """).map(Self.job)
    }

    public func recordWebhook(id: String, delivery: WebhookDelivery, retryAt: Date?) async throws {
        try await transaction { connection in
            try await connection.query("""
                INSERT INTO webhook_deliveries (job_id, attempt, at, status_code, error)
                VALUES (\(id), \(delivery.attempt), \(delivery.at.timeIntervalSince1970), \(delivery.statusCode), \(delivery.error))
                """, logger: logger)
            try await connection.query("""
                UPDATE jobs SET webhook_done = \(retryAt == nil), webhook_next_at = \(retryAt?.timeIntervalSince1970 ?? 0)
                WHERE id = \(id)
                """, logger: logger)
        }
    }

    public func webhookDeliveries(id: String) async throws -> [WebhookDelivery] {
        try await rows("SELECT attempt, at, status_code, error FROM webhook_deliveries WHERE job_id = \(id) ORDER BY attempt")
            .map { row in
                let (attempt, at, status, error) = try row.decode((Int, Double, Int?, String?).self)
                return WebhookDelivery(attempt: attempt, at: Date(timeIntervalSince1970: at), statusCode: status, error: error)
            }
    }

    public func sharedSecret(named name: String, proposed: Data) async throws -> Data {
        try await transaction { connection in
            try await connection.query("""
                INSERT INTO service_secrets (name, value) VALUES (\(name), \(proposed)) ON CONFLICT (name) DO NOTHING
                """, logger: logger)
            return try await Self.rows(connection, logger, "SELECT value FROM service_secrets WHERE name = \(name)")
                .first?.decode(Data.self) ?? proposed
        }
    }

    // MARK: Wake-ups

    /// Listens on the jobs channel on one pooled connection, re-listening after a lost connection.
    public func startWakeups() {
        listener.start { [client, logger, workSignal] in
            var failures = 0
            while !Task.isCancelled {
                do {
                    try await client.withConnection { connection in
                        try await connection.listen(on: Self.channel) { notifications in
                            failures = 0
                            // Anything may have been missed while no one listened.
                            workSignal.notify()
                            for try await _ in notifications { workSignal.notify() }
                        }
                    }
                } catch {
                    _ = logger
                    failures += 1
                }
                try? await Task.sleep(for: .milliseconds(min(5_000, 100 << min(failures, 6))))
            }
        }
    }

    // MARK: Transactions

    /// Runs `body` in one transaction on one pooled connection; a lost connection, a server
    /// restart, a deadlock or a serialisation failure runs it again after a backoff.
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await retrying {
            try await client.withConnection { connection in
                try await connection.query("BEGIN", logger: logger)
                do {
                    let value = try await body(connection)
                    try await connection.query("COMMIT", logger: logger)
                    return value
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
        }
    }

    private func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await retrying { try await client.query(query, logger: logger).collect() }
    }

    private static func rows(_ connection: PostgresConnection, _ logger: Logger, _ query: PostgresQuery) async throws
        -> [PostgresRow] {
        try await connection.query(query, logger: logger).collect()
    }

    func retrying<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        var delay = 0.05
        let deadline = Date(timeIntervalSinceNow: 60)
        while true {
            do {
                return try await body()
            } catch let error where PostgresFailure.isTransient(error) {
                guard Date() < deadline, !Task.isCancelled else {
                    throw LightboxError(.databaseUnavailable, "PostgreSQL at \(url) did not answer: \(PostgresFailure.summary(error))")
                }
                try await Task.sleep(for: .seconds(delay * Double.random(in: 0.75...1.25)))
                delay = min(delay * 2, 2)
            } catch let error as PSQLError {
                throw LightboxError(.internal, "PostgreSQL: \(PostgresFailure.summary(error))")
            }
        }
    }

    // MARK: Rows

    private func transition(_ id: String, _ event: JobLifecycle.Event, now: Date, result: Data? = nil) async throws -> Job? {
        let next = try await transaction { connection in
            guard let row = try await Self.rows(connection, logger, "SELECT * FROM jobs WHERE id = \(id) FOR UPDATE").first
            else { return nil as Job? }
            return try await Self.transition(try Self.job(row), event, now: now, result: result, connection, logger)
        }
        if let next, next.state == .queued { workSignal.notify() }
        return next
    }

    /// Applies one lifecycle event to a job whose row this transaction has locked: its new
    /// row and the account's credits together, or nothing when the event does not apply.
    private static func transition(_ job: Job, _ event: JobLifecycle.Event, now: Date, result: Data? = nil,
                                   _ connection: PostgresConnection, _ logger: Logger) async throws -> Job? {
        guard let (next, credits) = JobLifecycle.apply(event, to: job, now: now) else { return nil }
        if credits == .reserve {
            let available = try await rows(connection, logger,
                "SELECT balance - reserved FROM accounts WHERE id = \(job.account) FOR UPDATE").first?.decode(Int.self) ?? 0
            guard available >= job.cost else {
                throw LightboxError(.insufficientCredits, "The account cannot cover \(job.cost) credit(s) to run \(job.id) again")
            }
        }
        let updated = try await rows(connection, logger, """
            UPDATE jobs SET state = \(next.state.rawValue), attempts = \(next.attempts),
            run_after = \(next.runAfter.timeIntervalSince1970), lease_owner = \(next.leaseOwner),
            lease_expires = \(next.leaseExpires?.timeIntervalSince1970), error_code = \(next.error?.code),
            error_message = \(next.error?.message), result = COALESCE(\(result), result),
            updated_at = \(now.timeIntervalSince1970) WHERE id = \(job.id) RETURNING *
            """)
        let change = credits.change(cost: job.cost)
        if credits != .unchanged {
            try await connection.query("""
                UPDATE accounts SET balance = balance + \(change.balance), reserved = reserved + \(change.reserved),
                charged = charged + \(change.charged) WHERE id = \(job.account)
                """, logger: logger)
        }
        if next.state == .queued { try await connection.query("SELECT pg_notify(\(channel), '')", logger: logger) }
        return try updated.first.map(Self.job)
    }

    private static func job(_ row: PostgresRow) throws -> Job {
        let row = row.makeRandomAccess()
        let code = try row["error_code"].decode(String?.self), message = try row["error_message"].decode(String?.self)
        return Job(
            id: try row["id"].decode(String.self), account: try row["account"].decode(String.self),
            state: Job.State(rawValue: try row["state"].decode(String.self)) ?? .failed,
            priority: try row["priority"].decode(Int.self), payload: try row["payload"].decode(Data.self),
            cost: try row["cost"].decode(Int.self), idempotencyKey: try row["idempotency_key"].decode(String?.self),
            fingerprint: try row["fingerprint"].decode(String?.self), attempts: try row["attempts"].decode(Int.self),
            runAfter: Date(timeIntervalSince1970: try row["run_after"].decode(Double.self)),
            leaseOwner: try row["lease_owner"].decode(String?.self),
            leaseExpires: try row["lease_expires"].decode(Double?.self).map(Date.init(timeIntervalSince1970:)),
            error: code.map { JobError(code: $0, message: message ?? "") }, result: try row["result"].decode(Data?.self),
            webhookURL: try row["webhook_url"].decode(String?.self),
            createdAt: Date(timeIntervalSince1970: try row["created_at"].decode(Double.self)),
            updatedAt: Date(timeIntervalSince1970: try row["updated_at"].decode(Double.self)),
            review: Review.from(state: try row["review_state"].decode(String?.self),
                                reason: try row["review_reason"].decode(String?.self),
                                flaggedAt: try row["review_flagged_at"].decode(Double?.self),
                                by: try row["review_by"].decode(String?.self), at: try row["review_at"].decode(Double?.self)))
    }

    private static func account(_ row: PostgresRow) throws -> Account {
        let row = row.makeRandomAccess()
        return Account(id: try row["id"].decode(String.self), balance: try row["balance"].decode(Int.self),
                       reserved: try row["reserved"].decode(Int.self), charged: try row["charged"].decode(Int.self))
    }
}

/// The listener's task, started once and cancelled on close.
private final class ListenerTask: @unchecked Sendable {
    private let lock = NSLock()
    private var task: Task<Void, Never>?

    func start(_ body: @escaping @Sendable () async -> Void) {
        lock.lock()
        defer { lock.unlock() }
        if task == nil { task = Task(operation: body) }
    }

    func cancel() {
        lock.lock()
        defer { lock.unlock() }
        task?.cancel()
    }
}
