import Foundation
import GRDB
@testable import LightboxBatch
import LightboxTestSupport
import Testing

@Suite struct BatchLedgerTests {
    func entry(_ sku: String, store: String = "default", status: BatchLedger.Status = .processed, hash: String = "h1",
               template: String = "t1") -> BatchLedger.Entry {
        BatchLedger.Entry(store: store, sku: sku, source: "/photos/\(sku).jpg", position: 0, inputHash: hash,
                          templateHash: template, status: status, reason: nil, message: nil,
                          outputs: [.init(format: "jpeg", path: "\(store)/\(sku)/a.jpg", bytes: 10, width: 20, height: 30)],
                          label: "Bag & \"Co\"", qaScore: 0.9, milliseconds: 12, beforeThumbnail: nil, afterThumbnail: nil,
                          finishedAt: Date())
    }

    @Test func entriesSurviveReopeningAndAReRecordReplacesTheRow() throws {
        let folder = try Fixtures.scratchFolder("ledger")
        try BatchLedger(folder: folder).record(entry("A"))
        let reopened = try BatchLedger(folder: folder)
        #expect(try reopened.entry(store: "default", sku: "A", source: "/photos/A.jpg")?.outputs.first?.height == 30)
        try reopened.record(entry("A", status: .failed, hash: "h0"))
        #expect(try reopened.allEntries().map(\.status) == [.processed], "a failure keeps the last good render")
        try reopened.record(entry("Z", status: .failed))
        #expect(try reopened.render(inputHash: "h1", templateHash: "t1")?.sku == "A", "a failure is no render to reuse")
        #expect(try reopened.render(inputHash: "h1", templateHash: "t2") == nil)
    }

    @Test func aReRenderHandsBackTheFilesItReplaced() throws {
        let ledger = try BatchLedger(folder: Fixtures.scratchFolder("ledger"))
        var first = entry("A")
        first.outputs.append(.init(format: "webp", path: "default/A/old.webp", bytes: 1, width: 1, height: 1))
        #expect(try ledger.record(first).isEmpty)
        var second = entry("A", template: "t2")
        second.outputs = [.init(format: "jpeg", path: "default/A/a.jpg", bytes: 1, width: 1, height: 1),
                          .init(format: "jpeg", path: "default/A/new.jpg", bytes: 1, width: 1, height: 1)]
        #expect(try ledger.record(second) == ["default/A/old.webp"])
        // Another image of the same SKU still naming a file keeps it.
        var other = entry("A")
        other.source = "/photos/A-back.jpg"
        other.outputs = [.init(format: "jpeg", path: "default/A/shared.jpg", bytes: 1, width: 1, height: 1)]
        try ledger.record(other)
        var third = second
        third.outputs = [.init(format: "jpeg", path: "default/A/shared.jpg", bytes: 1, width: 1, height: 1)]
        #expect(try ledger.record(third) == ["default/A/a.jpg", "default/A/new.jpg"])
    }

    @Test func hashesAreRememberedByPathSizeAndModificationTime() throws {
        let ledger = try BatchLedger(folder: Fixtures.scratchFolder("ledger"))
        let when = Date(timeIntervalSince1970: 1_800_000_000)
        try ledger.remember(hash: "abc", path: "/p.jpg", size: 10, modified: when)
        #expect(try ledger.knownHash(path: "/p.jpg", size: 10, modified: when) == "abc")
        #expect(try ledger.knownHash(path: "/p.jpg", size: 11, modified: when) == nil)
        #expect(try ledger.knownHash(path: "/p.jpg", size: 10, modified: when + 1) == nil)
    }

    /// What a batch killed mid-write leaves: the file as last committed plus a hot journal.
    @Test func aLedgerLeftMidWriteIsReadAsLastCommitted() throws {
        let folder = try Fixtures.scratchFolder("ledger"), copy = try Fixtures.scratchFolder("ledger-copy")
        try BatchLedger(folder: folder).record(entry("A"))
        let writer = try DatabaseQueue(path: folder.appendingPathComponent(BatchLedger.fileName).path)
        try writer.inDatabase { db in
            try db.execute(sql: "PRAGMA cache_size = 1")
            try db.inTransaction {
                try db.execute(sql: "DELETE FROM items")
                for sku in 0..<200 {
                    try db.execute(sql: """
                        INSERT INTO items (store, sku, source, position, template_hash, status, outputs, milliseconds, finished_at)
                        VALUES ('default', ?, 's', 0, 't', 'processed', '[]', 1, 0)
                        """, arguments: ["uncommitted-\(sku)"])
                }
                for suffix in ["", "-journal"] {
                    try FileManager.default.copyItem(at: folder.appendingPathComponent(BatchLedger.fileName + suffix),
                                                     to: copy.appendingPathComponent(BatchLedger.fileName + suffix))
                }
                return .rollback
            }
        }
        let reader = try #require(try BatchLedger(readingFrom: copy))
        #expect(try reader.allEntries().map(\.sku) == ["A"])
    }

    @Test func readingALedgerThatIsNotThereCreatesNothing() throws {
        let folder = try Fixtures.scratchFolder("ledger").appendingPathComponent("none")
        #expect(try BatchLedger(readingFrom: folder) == nil)
        #expect(!FileManager.default.fileExists(atPath: folder.path))
    }

    @Test func thePictureSnippetEscapesTheLabel() {
        var row = entry("A")
        row.outputs = [.init(format: "avif", path: "default/A/x.avif", bytes: 1, width: 20, height: 30),
                       .init(format: "jpeg", path: "default/A/y.jpg", bytes: 1, width: 20, height: 30)]
        #expect(OutputsManifest.picture(row) == "<picture><source type=\"image/avif\" srcset=\"default/A/x.avif\">"
                + "<img src=\"default/A/y.jpg\" alt=\"Bag &amp; &quot;Co&quot;\" width=\"20\" height=\"30\" loading=\"lazy\"></picture>")
    }
}
