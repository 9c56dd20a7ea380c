import Foundation
import GRDB
import LightboxCore

/// The default job store: one SQLite file in WAL mode, so that the API reads while
/// workers write. Writes are serialised by SQLite, which makes each transition atomic.
public final class SQLiteJobStore: JobStore {
    private let pool: DatabasePool
    /// Other processes on the same file cannot notify, so idle workers also look every 200 ms.
    public let workSignal = WorkSignal(safetyPoll: 0.2)

    public let description: String

    public init(path: URL) throws {
        description = path.path
        try FileManager.default.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        pool = try DatabasePool(path: path.path, configuration: configuration)
        try Self.migrator.migrate(pool)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE accounts (
                    id TEXT PRIMARY KEY, key_hash TEXT NOT NULL UNIQUE,
                    balance INTEGER NOT NULL, reserved INTEGER NOT NULL DEFAULT 0, charged INTEGER NOT NULL DEFAULT 0);
                CREATE TABLE jobs (
                    id TEXT PRIMARY KEY, account TEXT NOT NULL REFERENCES accounts(id), state TEXT NOT NULL,
                    priority INTEGER NOT NULL, payload BLOB NOT NULL, cost INTEGER NOT NULL, idempotency_key TEXT,
                    attempts INTEGER NOT NULL DEFAULT 0, run_after REAL NOT NULL, lease_owner TEXT, lease_expires REAL,
                    error_code TEXT, error_message TEXT, result BLOB, created_at REAL NOT NULL, updated_at REAL NOT NULL,
                    UNIQUE (account, idempotency_key));
                CREATE INDEX jobs_runnable ON jobs (state, priority DESC, created_at);
                CREATE INDEX jobs_leases ON jobs (state, lease_expires);
                """)
        }
        migrator.registerMigration("v2-webhooks") { db in
            try db.execute(sql: """
                ALTER TABLE jobs ADD COLUMN webhook_url TEXT;
                ALTER TABLE jobs ADD COLUMN webhook_next_at REAL NOT NULL DEFAULT 0;
                ALTER TABLE jobs ADD COLUMN webhook_done INTEGER NOT NULL DEFAULT 0;
                CREATE TABLE webhook_deliveries (
                    job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE, attempt INTEGER NOT NULL,
                    at REAL NOT NULL, status_code INTEGER, error TEXT);
                CREATE INDEX webhook_deliveries_job ON webhook_deliveries (job_id);
                """)
        }
        migrator.registerMigration("v3-fingerprints") { db in
            try db.execute(sql: """
                ALTER TABLE jobs ADD COLUMN fingerprint TEXT;
                CREATE INDEX jobs_fingerprints ON jobs (account, fingerprint);
                """)
        }
        migrator.registerMigration("v4-secrets") { db in
            try db.execute(sql: "CREATE TABLE service_secrets (name TEXT PRIMARY KEY, value BLOB NOT NULL)")
        }
        migrator.registerMigration("v5-reviews") { db in
            try db.execute(sql: """
                ALTER TABLE jobs ADD COLUMN review_state TEXT;
                ALTER TABLE jobs ADD COLUMN review_reason TEXT;
                ALTER TABLE jobs ADD COLUMN review_flagged_at REAL;
                ALTER TABLE jobs ADD COLUMN review_by TEXT;
                ALTER TABLE jobs ADD COLUMN review_at REAL;
                CREATE INDEX jobs_reviews ON jobs (account, review_state, review_flagged_at) WHERE review_state IS NOT NULL;
                """)
        }
        return migrator
    }

    // MARK: Accounts

    public func createAccount(id: String, keyHash: String, credits: Int) async throws {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO accounts (id, key_hash, balance) VALUES (?, ?, ?)",
                           arguments: [id, keyHash, credits])
        }
    }

    public func account(id: String) async throws -> Account? {
        try await pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM accounts WHERE id = ?", arguments: [id]).map(Self.account) }
    }

    public func account(keyHash: String) async throws -> Account? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM accounts WHERE key_hash = ?", arguments: [keyHash]).map(Self.account)
        }
    }

    public func keyHash(account: String) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT key_hash FROM accounts WHERE id = ?", arguments: [account])
        }
    }

    // MARK: Jobs

    public func enqueue(_ new: NewJob, now: Date) async throws -> (job: Job, created: Bool) {
        let outcome = try await pool.write { db -> (job: Job, created: Bool) in
            if let key = new.idempotencyKey, let existing = try Row.fetchOne(
                db, sql: "SELECT * FROM jobs WHERE account = ? AND idempotency_key = ?", arguments: [new.account, key])
                .map(Self.job) {
                guard existing.createdAt.timeIntervalSince(now) > -JobQueue.idempotencyWindow else {
                    // Expired: the key is free for a new job.
                    try db.execute(sql: "UPDATE jobs SET idempotency_key = NULL WHERE id = ?", arguments: [existing.id])
                    return try Self.insert(new, now: now, db)
                }
                guard existing.fingerprint == new.fingerprint else {
                    throw LightboxError(.idempotencyMismatch, "Idempotency-Key '\(key)' was used with other parameters "
                                        + "for \(existing.id)")
                }
                return (existing, false)
            }
            if let fingerprint = new.fingerprint, let same = try Row.fetchOne(db, sql: """
                SELECT * FROM jobs WHERE account = ? AND fingerprint = ? AND state IN ('queued', 'processing', 'completed')
                ORDER BY created_at DESC LIMIT 1
                """, arguments: [new.account, fingerprint]) {
                return (try Self.job(same), false)
            }
            return try Self.insert(new, now: now, db)
        }
        if outcome.created { workSignal.notify() }
        return outcome
    }

    private static func insert(_ new: NewJob, now: Date, _ db: Database) throws -> (job: Job, created: Bool) {
        guard let account = try Row.fetchOne(db, sql: "SELECT * FROM accounts WHERE id = ?", arguments: [new.account])
                .map(account) else {
            throw LightboxError(.invalidOption, "Unknown account \(new.account)")
        }
        guard account.available >= new.cost else {
            throw LightboxError(.insufficientCredits, "The image costs \(new.cost) credit(s); "
                                + "\(account.available) are available")
        }
        try reserve(new.cost, account: new.account, db)
        let id = Job.newID()
        try db.execute(sql: """
            INSERT INTO jobs (id, account, state, priority, payload, cost, idempotency_key, run_after, created_at,
                              updated_at, webhook_url, fingerprint)
            VALUES (?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [id, new.account, new.priority, new.payload, new.cost, new.idempotencyKey,
                             now.timeIntervalSince1970, now.timeIntervalSince1970, now.timeIntervalSince1970,
                             new.webhookURL, new.fingerprint])
        return (try fetch(id, db)!, true)
    }

    public func job(id: String) async throws -> Job? {
        try await pool.read { db in try Self.fetch(id, db) }
    }

    public func claim(worker: String, lease: Duration, now: Date) async throws -> Job? {
        try await pool.write { db in
            guard let id = try String.fetchOne(db, sql: """
                SELECT id FROM jobs WHERE state = 'queued' AND run_after <= ?
                ORDER BY priority DESC, created_at, rowid LIMIT 1
                """, arguments: [now.timeIntervalSince1970]) else { return nil }
            return try Self.transition(id, .claim(worker: worker, lease: lease), now: now, db)
        }
    }

    public func heartbeat(id: String, worker: String, lease: Duration, now: Date) async throws -> Bool {
        try await pool.write { db in try Self.transition(id, .heartbeat(worker: worker, lease: lease), now: now, db) != nil }
    }

    public func complete(id: String, worker: String, result: Data, now: Date) async throws -> Bool {
        try await pool.write { db in try Self.transition(id, .complete(worker: worker), now: now, result: result, db) != nil }
    }

    public func fail(id: String, worker: String, error: JobError, permanent: Bool, retryAfter: Duration,
                     now: Date) async throws -> Job.State? {
        try await pool.write { db in
            try Self.transition(id, .fail(worker: worker, error: error, permanent: permanent,
                                          retryAt: now + retryAfter.seconds), now: now, db)?.state
        }
    }

    public func release(id: String, worker: String, now: Date) async throws -> Bool {
        try await pool.write { db in try Self.transition(id, .release(worker: worker), now: now, db) != nil }
    }

    public func rescueExpired(now: Date) async throws -> [String] {
        try await pool.write { db in
            let expired = try String.fetchAll(db, sql: "SELECT id FROM jobs WHERE state = 'processing' AND lease_expires < ?",
                                              arguments: [now.timeIntervalSince1970])
            return try expired.filter { try Self.transition($0, .leaseExpired, now: now, db) != nil }
        }
    }

    public func cancel(id: String, now: Date) async throws -> Bool {
        try await pool.write { db in try Self.transition(id, .cancel, now: now, db) != nil }
    }

    public func jobs(in state: Job.State, limit: Int) async throws -> [Job] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM jobs WHERE state = ? ORDER BY updated_at DESC, rowid DESC LIMIT ?",
                             arguments: [state.rawValue, limit]).map(Self.job)
        }
    }

    public func counts() async throws -> [Job.State: Int] {
        try await pool.read { db in
            var counts = Dictionary(uniqueKeysWithValues: Job.State.allCases.map { ($0, 0) })
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM jobs GROUP BY state") {
                if let state = Job.State(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            return counts
        }
    }

    public func retryDead(id: String, now: Date) async throws -> Bool {
        try await pool.write { db in try Self.transition(id, .retryDead, now: now, db) != nil }
    }

    public func purgeDead() async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM jobs WHERE state = 'dead'")
            return db.changesCount
        }
    }

    // MARK: Reviews

    public func flagForReview(id: String, reason: String, now: Date) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: """
                UPDATE jobs SET review_state = 'pending', review_reason = ?, review_flagged_at = ?
                WHERE id = ? AND review_state IS NULL
                """, arguments: [reason, now.timeIntervalSince1970, id])
            return db.changesCount == 1
        }
    }

    public func reviews(account: String, state: Review.State, limit: Int) async throws -> [Job] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM jobs WHERE account = ? AND review_state = ? ORDER BY review_flagged_at, id LIMIT ?
                """, arguments: [account, state.rawValue, limit]).map(Self.job)
        }
    }

    public func decide(id: String, account: String, decision: Review.State, now: Date) async throws -> Job? {
        try await pool.write { db in
            // An approval lets a waiting webhook go at once.
            try db.execute(sql: """
                UPDATE jobs SET review_state = ?, review_by = ?, review_at = ?,
                webhook_next_at = CASE WHEN ? THEN ? ELSE webhook_next_at END
                WHERE id = ? AND account = ? AND review_state = 'pending'
                """, arguments: [decision.rawValue, account, now.timeIntervalSince1970, decision == .approved,
                                 now.timeIntervalSince1970, id, account])
            return db.changesCount == 1 ? try Self.fetch(id, db) : nil
        }
    }

    // MARK: Webhooks

    public func dueWebhooks(now: Date, limit: Int) async throws -> [Job] {
        try await pool.read { db in
            // A completed job waiting for review is not announced until a person approves it.
            try Row.fetchAll(db, sql: """
                SELECT * FROM jobs WHERE webhook_url IS NOT NULL AND webhook_done = 0
                AND state IN ('completed', 'failed', 'dead') AND webhook_next_at <= ?
                AND NOT (state = 'completed' AND review_state IS NOT NULL AND review_state != 'approved')
                ORDER BY updated_at LIMIT ?
                """, arguments: [now.timeIntervalSince1970, limit]).map(Self.job)
        }
    }

    public func recordWebhook(id: String, delivery: WebhookDelivery, retryAt: Date?) async throws {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO webhook_deliveries (job_id, attempt, at, status_code, error) VALUES (?, ?, ?, ?, ?)",
                           arguments: [id, delivery.attempt, delivery.at.timeIntervalSince1970, delivery.statusCode,
                                       delivery.error])
            try db.execute(sql: "UPDATE jobs SET webhook_done = ?, webhook_next_at = ? WHERE id = ?",
                           arguments: [retryAt == nil, retryAt?.timeIntervalSince1970 ?? 0, id])
        }
    }

    public func webhookDeliveries(id: String) async throws -> [WebhookDelivery] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM webhook_deliveries WHERE job_id = ? ORDER BY attempt", arguments: [id])
                .map { row in
                    WebhookDelivery(attempt: row["attempt"], at: Date(timeIntervalSince1970: row["at"]),
                                    statusCode: row["status_code"], error: row["error"])
                }
        }
    }

    public func sharedSecret(named name: String, proposed: Data) async throws -> Data {
        try await pool.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO service_secrets (name, value) VALUES (?, ?)", arguments: [name, proposed])
            return try Data.fetchOne(db, sql: "SELECT value FROM service_secrets WHERE name = ?", arguments: [name]) ?? proposed
        }
    }

    // MARK: Rows

    private static func reserve(_ cost: Int, account: String, _ db: Database) throws {
        try db.execute(sql: "UPDATE accounts SET reserved = reserved + ? WHERE id = ?", arguments: [cost, account])
    }

    /// Applies one lifecycle event in this transaction: the job's new row and the account's
    /// credits together, or nothing when the event does not apply.
    private static func transition(_ id: String, _ event: JobLifecycle.Event, now: Date, result: Data? = nil,
                                   _ db: Database) throws -> Job? {
        guard let job = try fetch(id, db), let (next, credits) = JobLifecycle.apply(event, to: job, now: now) else {
            return nil
        }
        if credits == .reserve {
            let available = try Int.fetchOne(db, sql: "SELECT balance - reserved FROM accounts WHERE id = ?",
                                             arguments: [job.account]) ?? 0
            guard available >= job.cost else {
                throw LightboxError(.insufficientCredits, "The account cannot cover \(job.cost) credit(s) to run \(id) again")
            }
        }
        try db.execute(sql: """
            UPDATE jobs SET state = ?, attempts = ?, run_after = ?, lease_owner = ?, lease_expires = ?, error_code = ?,
            error_message = ?, result = COALESCE(?, result), updated_at = ? WHERE id = ?
            """, arguments: [next.state.rawValue, next.attempts, next.runAfter.timeIntervalSince1970, next.leaseOwner,
                             next.leaseExpires?.timeIntervalSince1970, next.error?.code, next.error?.message, result,
                             now.timeIntervalSince1970, id])
        let change = credits.change(cost: job.cost)
        if credits != .unchanged {
            try db.execute(sql: """
                UPDATE accounts SET balance = balance + ?, reserved = reserved + ?, charged = charged + ? WHERE id = ?
                """, arguments: [change.balance, change.reserved, change.charged, job.account])
        }
        return try fetch(id, db)
    }

    private static func fetch(_ id: String, _ db: Database) throws -> Job? {
        try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ?", arguments: [id]).map(job)
    }

    private static func job(_ row: Row) throws -> Job {
        let code: String? = row["error_code"], message: String? = row["error_message"]
        let leaseExpires: Double? = row["lease_expires"]
        return Job(
            id: row["id"], account: row["account"], state: Job.State(rawValue: row["state"]) ?? .failed,
            priority: row["priority"], payload: row["payload"], cost: row["cost"], idempotencyKey: row["idempotency_key"],
            fingerprint: row["fingerprint"], attempts: row["attempts"], runAfter: Date(timeIntervalSince1970: row["run_after"]),
            leaseOwner: row["lease_owner"], leaseExpires: leaseExpires.map(Date.init(timeIntervalSince1970:)),
            error: code.map { JobError(code: $0, message: message ?? "") }, result: row["result"],
            webhookURL: row["webhook_url"],
            createdAt: Date(timeIntervalSince1970: row["created_at"]),
            updatedAt: Date(timeIntervalSince1970: row["updated_at"]),
            review: Review.from(state: row["review_state"], reason: row["review_reason"], flaggedAt: row["review_flagged_at"],
                                by: row["review_by"], at: row["review_at"]))
    }

    private static func account(_ row: Row) -> Account {
        Account(id: row["id"], balance: row["balance"], reserved: row["reserved"], charged: row["charged"])
    }
}
