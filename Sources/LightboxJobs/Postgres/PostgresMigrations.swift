import Foundation
import Logging
import PostgresNIO

/// The PostgreSQL schema, as numbered steps applied once each, in order. Whichever process
/// starts first applies them; a transaction-scoped advisory lock makes a second process that
/// starts at the same moment wait, then find nothing left to do.
enum PostgresMigrations {
    /// Any fixed number: the lock is named by it, database-wide.
    static let lockKey = 7_004_211_001

    static let steps: [(version: Int, sql: [String])] = [
        (1, [
            """
            CREATE TABLE accounts (
                id TEXT PRIMARY KEY, key_hash TEXT NOT NULL UNIQUE, balance BIGINT NOT NULL,
                reserved BIGINT NOT NULL DEFAULT 0, charged BIGINT NOT NULL DEFAULT 0)
            """,
            """
            CREATE TABLE jobs (
                id TEXT PRIMARY KEY, seq BIGSERIAL NOT NULL, account TEXT NOT NULL REFERENCES accounts(id),
                state TEXT NOT NULL, priority BIGINT NOT NULL, payload BYTEA NOT NULL, cost BIGINT NOT NULL,
                idempotency_key TEXT, fingerprint TEXT, attempts BIGINT NOT NULL DEFAULT 0,
                run_after DOUBLE PRECISION NOT NULL, lease_owner TEXT, lease_expires DOUBLE PRECISION,
                error_code TEXT, error_message TEXT, result BYTEA, webhook_url TEXT,
                webhook_next_at DOUBLE PRECISION NOT NULL DEFAULT 0, webhook_done BOOLEAN NOT NULL DEFAULT FALSE,
                created_at DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL,
                UNIQUE (account, idempotency_key))
            """,
            "CREATE INDEX jobs_runnable ON jobs (priority DESC, created_at, seq) WHERE state = 'queued'",
            "CREATE INDEX jobs_leases ON jobs (lease_expires) WHERE state = 'processing'",
            "CREATE INDEX jobs_fingerprints ON jobs (account, fingerprint)",
            "CREATE INDEX jobs_by_state ON jobs (state, updated_at DESC)",
            "CREATE INDEX jobs_webhooks_due ON jobs (webhook_next_at) WHERE webhook_url IS NOT NULL AND NOT webhook_done",
            """
            CREATE TABLE webhook_deliveries (
                job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE, attempt BIGINT NOT NULL,
                at DOUBLE PRECISION NOT NULL, status_code BIGINT, error TEXT)
            """,
            "CREATE INDEX webhook_deliveries_job ON webhook_deliveries (job_id)",
        ]),
        (2, ["CREATE TABLE service_secrets (name TEXT PRIMARY KEY, value BYTEA NOT NULL)"]),
    ]

    /// Applies the steps this database lacks; returns the versions it applied.
    @discardableResult
    static func migrate(_ client: PostgresClient, logger: Logger) async throws -> [Int] {
        try await client.withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
                try await connection.query("""
                    CREATE TABLE IF NOT EXISTS lightbox_schema (version BIGINT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                    """, logger: logger)
                var applied: Set<Int> = []
                for try await version in try await connection.query("SELECT version FROM lightbox_schema", logger: logger)
                    .decode(Int.self) { applied.insert(version) }
                var done: [Int] = []
                for step in steps where !applied.contains(step.version) {
                    for statement in step.sql {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query("INSERT INTO lightbox_schema (version) VALUES (\(step.version))", logger: logger)
                    done.append(step.version)
                }
                try await connection.query("COMMIT", logger: logger)
                return done
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }
}
