import Foundation
import GRDB
import LightboxCore

/// The default job store: one SQLite file in WAL mode, so that the API reads while
/// workers write. Writes are serialised by SQLite, which makes each transition atomic.
public final class SQLiteJobStore: JobStore {
    private let pool: DatabasePool

    public init(path: URL) throws {
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
        try await pool.write { db in
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
        let id = "gen_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(24)
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
            try db.execute(sql: """
                UPDATE jobs SET state = 'processing', lease_owner = ?, lease_expires = ?, attempts = attempts + 1,
                updated_at = ? WHERE id = ?
                """, arguments: [worker, (now + lease.seconds).timeIntervalSince1970, now.timeIntervalSince1970, id])
            return try Self.fetch(id, db)
        }
    }

    public func heartbeat(id: String, worker: String, lease: Duration, now: Date) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: """
                UPDATE jobs SET lease_expires = ?, updated_at = ? WHERE id = ? AND state = 'processing' AND lease_owner = ?
                """, arguments: [(now + lease.seconds).timeIntervalSince1970, now.timeIntervalSince1970, id, worker])
            return db.changesCount == 1
        }
    }

    public func complete(id: String, worker: String, result: Data, now: Date) async throws -> Bool {
        try await pool.write { db in
            guard let job = try Self.held(id, by: worker, db) else { return false }
            try db.execute(sql: """
                UPDATE jobs SET state = 'completed', result = ?, lease_owner = NULL, lease_expires = NULL,
                error_code = NULL, error_message = NULL, updated_at = ? WHERE id = ?
                """, arguments: [result, now.timeIntervalSince1970, id])
            try db.execute(sql: "UPDATE accounts SET balance = balance - ?, reserved = reserved - ?, charged = charged + ? WHERE id = ?",
                           arguments: [job.cost, job.cost, job.cost, job.account])
            return true
        }
    }

    public func fail(id: String, worker: String, error: JobError, permanent: Bool, retryAfter: Duration,
                     now: Date) async throws -> Job.State? {
        try await pool.write { db in
            guard let job = try Self.held(id, by: worker, db) else { return nil }
            let state: Job.State = permanent ? .failed : job.attempts >= JobQueue.maxAttempts ? .dead : .queued
            try Self.settle(job, as: state, error: error, runAfter: now + retryAfter.seconds, now: now, db)
            return state
        }
    }

    public func release(id: String, worker: String, now: Date) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: """
                UPDATE jobs SET state = 'queued', attempts = attempts - 1, lease_owner = NULL, lease_expires = NULL,
                run_after = ?, updated_at = ? WHERE id = ? AND state = 'processing' AND lease_owner = ?
                """, arguments: [now.timeIntervalSince1970, now.timeIntervalSince1970, id, worker])
            return db.changesCount == 1
        }
    }

    public func rescueExpired(now: Date) async throws -> [String] {
        try await pool.write { db in
            let expired = try Row.fetchAll(db, sql: "SELECT * FROM jobs WHERE state = 'processing' AND lease_expires < ?",
                                           arguments: [now.timeIntervalSince1970]).map(Self.job)
            for job in expired {
                try Self.settle(job, as: job.attempts >= JobQueue.maxAttempts ? .dead : .queued, error: .leaseExpired,
                                runAfter: now, now: now, db)
            }
            return expired.map(\.id)
        }
    }

    public func cancel(id: String, now: Date) async throws -> Bool {
        try await pool.write { db in
            guard let job = try Self.fetch(id, db), job.state == .queued else { return false }
            try Self.settle(job, as: .failed, error: .cancelled, runAfter: now, now: now, db)
            return true
        }
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
        try await pool.write { db in
            guard let job = try Self.fetch(id, db), job.state == .dead else { return false }
            guard let account = try Row.fetchOne(db, sql: "SELECT * FROM accounts WHERE id = ?", arguments: [job.account])
                .map(Self.account), account.available >= job.cost else {
                throw LightboxError(.insufficientCredits, "The account cannot cover \(job.cost) credit(s) to retry \(id)")
            }
            try Self.reserve(job.cost, account: job.account, db)
            try db.execute(sql: """
                UPDATE jobs SET state = 'queued', attempts = 0, run_after = ?, updated_at = ? WHERE id = ?
                """, arguments: [now.timeIntervalSince1970, now.timeIntervalSince1970, id])
            return true
        }
    }

    public func purgeDead() async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM jobs WHERE state = 'dead'")
            return db.changesCount
        }
    }

    // MARK: Webhooks

    public func dueWebhooks(now: Date, limit: Int) async throws -> [Job] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM jobs WHERE webhook_url IS NOT NULL AND webhook_done = 0
                AND state IN ('completed', 'failed', 'dead') AND webhook_next_at <= ? ORDER BY updated_at LIMIT ?
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

    // MARK: Rows

    private static func reserve(_ cost: Int, account: String, _ db: Database) throws {
        try db.execute(sql: "UPDATE accounts SET reserved = reserved + ? WHERE id = ?", arguments: [cost, account])
    }

    /// Moves a job out of processing or queued: back to the queue, or to an end state with a refund.
    private static func settle(_ job: Job, as state: Job.State, error: JobError, runAfter: Date, now: Date,
                               _ db: Database) throws {
        try db.execute(sql: """
            UPDATE jobs SET state = ?, error_code = ?, error_message = ?, lease_owner = NULL, lease_expires = NULL,
            run_after = ?, updated_at = ? WHERE id = ?
            """, arguments: [state.rawValue, error.code, error.message, runAfter.timeIntervalSince1970,
                             now.timeIntervalSince1970, job.id])
        if state == .failed || state == .dead {
            try db.execute(sql: "UPDATE accounts SET reserved = reserved - ? WHERE id = ?", arguments: [job.cost, job.account])
        }
    }

    private static func held(_ id: String, by worker: String, _ db: Database) throws -> Job? {
        guard let job = try fetch(id, db), job.state == .processing, job.leaseOwner == worker else { return nil }
        return job
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
            updatedAt: Date(timeIntervalSince1970: row["updated_at"]))
    }

    private static func account(_ row: Row) -> Account {
        Account(id: row["id"], balance: row["balance"], reserved: row["reserved"], charged: row["charged"])
    }
}
