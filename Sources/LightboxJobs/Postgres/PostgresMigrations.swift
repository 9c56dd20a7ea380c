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
        (3, [enqueueFunction]),
        (4, [
            """
            ALTER TABLE jobs ADD COLUMN review_state TEXT, ADD COLUMN review_reason TEXT,
                ADD COLUMN review_flagged_at DOUBLE PRECISION, ADD COLUMN review_by TEXT, ADD COLUMN review_at DOUBLE PRECISION
            """,
            "CREATE INDEX jobs_reviews ON jobs (account, review_state, review_flagged_at) WHERE review_state IS NOT NULL",
            // Its row type grew: compiled again from the same text.
            "DROP FUNCTION lightbox_enqueue",
            enqueueFunction,
        ]),
    ]

    /// The enqueue as one server-side call, so that it costs one round trip and one implicit
    /// transaction. Requests with the same fingerprint or key wait for each other (advisory
    /// locks, always in this order; a NULL scope takes none); every statement after the locks
    /// sees what the waited-for transactions committed, because a VOLATILE function takes a
    /// fresh snapshot per statement. The credit check runs under the account row's lock.
    /// Returns the same request's job, or the new one (`new_id`, also when a retried call finds
    /// its first try committed); refusals are SQLSTATEs of our own
    /// (`PostgresJobStore.refusal`), with the detail in the message.
    static let enqueueFunction = """
        CREATE FUNCTION lightbox_enqueue(new_id TEXT, new_account TEXT, new_priority BIGINT, new_payload BYTEA,
            new_cost BIGINT, new_key TEXT, new_at DOUBLE PRECISION, new_webhook_url TEXT, new_fingerprint TEXT,
            key_window DOUBLE PRECISION, channel TEXT) RETURNS SETOF jobs LANGUAGE plpgsql VOLATILE AS $$
        DECLARE
            same jobs;
            match_fingerprint BOOLEAN := TRUE;
            available BIGINT;
        BEGIN
            -- A retry after a lost acknowledgement: the first call committed.
            SELECT * INTO same FROM jobs WHERE id = new_id;
            IF FOUND THEN
                RETURN NEXT same;
                RETURN;
            END IF;
            PERFORM pg_advisory_xact_lock(hashtextextended(new_account || '|fingerprint:' || new_fingerprint, 0)),
                    pg_advisory_xact_lock(hashtextextended(new_account || '|key:' || new_key, 0));
            IF new_key IS NOT NULL THEN
                SELECT * INTO same FROM jobs WHERE account = new_account AND idempotency_key = new_key;
                IF FOUND AND same.created_at > new_at - key_window THEN
                    IF same.fingerprint IS DISTINCT FROM new_fingerprint THEN
                        RAISE EXCEPTION USING ERRCODE = 'LB001', MESSAGE = same.id;
                    END IF;
                    RETURN NEXT same;
                    RETURN;
                ELSIF FOUND THEN
                    -- Expired: the key is free for a new job.
                    UPDATE jobs SET idempotency_key = NULL WHERE id = same.id;
                    match_fingerprint := FALSE;
                END IF;
            END IF;
            IF match_fingerprint AND new_fingerprint IS NOT NULL THEN
                SELECT * INTO same FROM jobs WHERE account = new_account AND fingerprint = new_fingerprint
                    AND state IN ('queued', 'processing', 'completed') ORDER BY created_at DESC, seq DESC LIMIT 1;
                IF FOUND THEN
                    RETURN NEXT same;
                    RETURN;
                END IF;
            END IF;
            UPDATE accounts SET reserved = reserved + new_cost WHERE id = new_account AND balance - reserved >= new_cost;
            IF NOT FOUND THEN
                SELECT balance - reserved INTO available FROM accounts WHERE id = new_account;
                IF NOT FOUND THEN
                    RAISE EXCEPTION USING ERRCODE = 'LB003', MESSAGE = new_account;
                END IF;
                RAISE EXCEPTION USING ERRCODE = 'LB002', MESSAGE = available::TEXT;
            END IF;
            PERFORM pg_notify(channel, '');
            INSERT INTO jobs (id, account, state, priority, payload, cost, idempotency_key, run_after, created_at,
                              updated_at, webhook_url, fingerprint)
            VALUES (new_id, new_account, 'queued', new_priority, new_payload, new_cost, new_key, new_at, new_at, new_at,
                    new_webhook_url, new_fingerprint)
            RETURNING * INTO same;
            RETURN NEXT same;
        END $$
        """

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
