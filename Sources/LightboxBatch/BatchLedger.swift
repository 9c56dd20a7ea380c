import Crypto
import Foundation
import GRDB
import LightboxCore

/// What a batch has done, in SQLite in its output folder (`batch.sqlite`): one row per
/// (store view, SKU, source image) with the hashes of the input and of the options it was
/// rendered with, so that a re-run skips what is unchanged. Each row is written the moment
/// its files are on disk, so a crash or a kill loses at most the images in flight.
public final class BatchLedger: Sendable {
    private let queue: DatabaseQueue

    public static let fileName = "batch.sqlite"

    public enum Status: String, Codable, Sendable {
        case processed
        /// The original, copied through: a skip flag, or an image that failed QA.
        case keptOriginal = "kept_original"
        case failed
    }

    public struct OutputFile: Codable, Sendable, Equatable {
        public var format: String
        /// Relative to the batch's output folder.
        public var path: String
        public var bytes: Int
        public var width: Int
        public var height: Int
    }

    public struct Entry: Codable, Sendable, FetchableRecord, PersistableRecord {
        public static let databaseTableName = "items"

        public var store: String
        public var sku: String
        public var source: String
        public var position: Int
        public var inputHash: String?
        public var templateHash: String
        public var status: Status
        /// Why an original was kept, or the error code of a failure.
        public var reason: String?
        public var message: String?
        public var outputs: [OutputFile]
        public var label: String?
        public var qaScore: Double?
        public var milliseconds: Double
        /// Thumbnails for the contact sheet, relative to the output folder.
        public var beforeThumbnail: String?
        public var afterThumbnail: String?
        public var finishedAt: Date
        /// Why the row waits for a person (`--review`), and what they decided: pending,
        /// approved, rejected or fixed; by whom and when. Reset when the item renders again.
        public var reviewReason: String? = nil
        public var reviewState: String? = nil
        public var reviewedBy: String? = nil
        public var reviewedAt: Date? = nil

        /// A stable public name for the row, for the review page's URLs.
        public var id: String { BatchLedger.id(store: store, sku: sku, source: source) }

        public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
        public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    }

    /// Opens (and creates) the ledger in `folder`.
    public init(folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        // The default rollback journal, not WAL: a read-only dry run must leave no -shm file behind.
        queue = try DatabaseQueue(path: folder.appendingPathComponent(Self.fileName).path, configuration: configuration)
        try Self.migrator.migrate(queue)
    }

    /// Opens an existing ledger without writing to it, for dry runs; nil when there is none.
    public init?(readingFrom folder: URL) throws {
        let path = folder.appendingPathComponent(Self.fileName).path
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        try Self.rollBackAnInterruptedWrite(at: path)
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        queue = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// A batch killed mid-write leaves a hot journal, which only a writable connection may roll
    /// back; a read-only one fails with "attempt to write a readonly database". Rolling it back
    /// restores the last committed rows, which is what a reader should see anyway.
    private static func rollBackAnInterruptedWrite(at path: String) throws {
        let journal = (try? FileManager.default.attributesOfItem(atPath: path + "-journal"))?[.size] as? Int ?? 0
        guard journal > 0 else { return }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        let recovery = try DatabaseQueue(path: path, configuration: configuration)
        _ = try recovery.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
        try recovery.close()
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE items (
                    store TEXT NOT NULL, sku TEXT NOT NULL, source TEXT NOT NULL, position INTEGER NOT NULL,
                    input_hash TEXT, template_hash TEXT NOT NULL, status TEXT NOT NULL, reason TEXT, message TEXT,
                    outputs TEXT NOT NULL, label TEXT, qa_score REAL, milliseconds REAL NOT NULL,
                    before_thumbnail TEXT, after_thumbnail TEXT, finished_at REAL NOT NULL,
                    PRIMARY KEY (store, sku, source));
                CREATE INDEX items_renders ON items (input_hash, template_hash, status);
                CREATE TABLE input_hashes (path TEXT PRIMARY KEY, size INTEGER NOT NULL, modified REAL NOT NULL,
                                           hash TEXT NOT NULL);
                """)
        }
        migrator.registerMigration("v2-review") { db in
            for column in ["review_reason TEXT", "review_state TEXT", "reviewed_by TEXT", "reviewed_at REAL"] {
                try db.execute(sql: "ALTER TABLE items ADD COLUMN \(column)")
            }
        }
        return migrator
    }

    public static func id(store: String, sku: String, source: String) -> String {
        "item_" + SHA256.hash(data: Data("\(store)\n\(sku)\n\(source)".utf8)).prefix(12).hex
    }

    /// The rows a person was asked to look at, in `state` (all of them when nil).
    public func reviews(state: String? = nil) throws -> [Entry] {
        try queue.read { db in
            var request = Entry.filter(Column("review_state") != nil)
            if let state { request = request.filter(Column("review_state") == state) }
            return try request.order(Column("position"), Column("store"), Column("sku")).fetchAll(db)
        }
    }

    /// Records a person's decision on a pending row; nil when there is no such row or it was
    /// decided already.
    /// `outputs` replaces the row's files: a generated angle's, moved from `pending/` when approved.
    public func decide(id: String, state: String, by person: String, at time: Date,
                       outputs: [OutputFile]? = nil) throws -> Entry? {
        try queue.write { db in
            guard var entry = try Entry.filter(Column("review_state") == "pending").fetchAll(db).first(where: { $0.id == id })
            else { return nil }
            if let outputs { entry.outputs = outputs }
            entry.reviewState = state
            entry.reviewedBy = person
            entry.reviewedAt = time
            try entry.update(db)
            return entry
        }
    }

    /// Records `entry` and returns the files its previous row listed that no row lists any
    /// more: a re-render's leftovers, for the caller to delete once this row is safe on disk.
    /// A failure does not replace an earlier success.
    @discardableResult
    public func record(_ entry: Entry) throws -> [String] {
        try queue.write { db in
            let sameSKU = Column("store") == entry.store && Column("sku") == entry.sku
            let previous = try Entry.filter(sameSKU && Column("source") == entry.source).fetchOne(db)
            // A failure does not replace the last good render: its files stay listed, and the
            // changed input is tried again next run.
            if entry.status == .failed, let previous, previous.status != .failed { return [] }
            try entry.save(db)
            let stale = Set(previous?.outputs.map(\.path) ?? []).subtracting(entry.outputs.map(\.path))
            guard !stale.isEmpty else { return [] }
            // Only rows of the same store view and SKU can name files in its folder.
            let kept = Set(try Entry.filter(sameSKU).fetchAll(db).flatMap { $0.outputs.map(\.path) })
            return stale.subtracting(kept).sorted()
        }
    }

    public func entry(store: String, sku: String, source: String) throws -> Entry? {
        try queue.read { db in
            try Entry.filter(Column("store") == store && Column("sku") == sku && Column("source") == source).fetchOne(db)
        }
    }

    /// A finished render of the same bytes with the same options, whatever SKU it was for.
    public func render(inputHash: String, templateHash: String) throws -> Entry? {
        try queue.read { db in
            try Entry.filter(Column("input_hash") == inputHash && Column("template_hash") == templateHash
                             && Column("status") == Status.processed.rawValue).fetchOne(db)
        }
    }

    public func allEntries() throws -> [Entry] {
        try queue.read { db in try Entry.order(Column("position"), Column("store"), Column("sku")).fetchAll(db) }
    }

    /// A file's content hash as last computed, if its size and modification time are unchanged.
    public func knownHash(path: String, size: Int, modified: Date) throws -> String? {
        try queue.read { db in
            try String.fetchOne(db, sql: "SELECT hash FROM input_hashes WHERE path = ? AND size = ? AND modified = ?",
                                arguments: [path, size, modified.timeIntervalSince1970])
        }
    }

    public func remember(hash: String, path: String, size: Int, modified: Date) throws {
        try queue.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO input_hashes (path, size, modified, hash) VALUES (?, ?, ?, ?)",
                           arguments: [path, size, modified.timeIntervalSince1970, hash])
        }
    }
}
