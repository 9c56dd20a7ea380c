import ArgumentParser
import Foundation
import Hummingbird
import LightboxBatch
import LightboxService
import Logging

/// `lightbox review DIR`: the review page for a batch folder's flagged items (`--review`).
struct ReviewCommand: AsyncCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Serve the review page for a batch's flagged items: approve, reject or fix each.",
        usage: "lightbox review DIR [--host 127.0.0.1] [--port 8090] [--reviewer NAME] [--key-file FILE]",
        discussion: "Decisions are written into DIR/batch.sqlite, with the reviewer and the time, and exported by the "
            + "next batch run's DIR/manifest.json and manifest.csv. A fix is kept as DIR/hints/<sha256>.txt; the next "
            + "`lightbox batch … --out DIR` renders that photo with it. The page needs the key this prints (or the "
            + "one in --key-file).")

    @Argument(help: "A batch's output folder")
    var folder: String

    @Option(help: "Address to listen on")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free one)")
    var port = 8090

    @Option(help: "Who decides, as the decisions record it (default: $USER)")
    var reviewer: String?

    @Option(name: .customLong("key-file"), help: "File holding the page's key (default: a new key, printed)")
    var keyFile: String?

    func execute() async throws {
        let url = URL(fileURLWithPath: folder).standardizedFileURL
        guard FileManager.default.fileExists(atPath: url.appendingPathComponent(BatchLedger.fileName).path) else {
            throw ValidationError("\(url.path) holds no batch (no \(BatchLedger.fileName)); run `lightbox batch … --out \(folder) --review` first")
        }
        let ledger = try BatchLedger(folder: url)
        let key = try keyFile.map {
            try String(contentsOfFile: $0, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        } ?? BatchReviewSite.newKey()
        guard key.count >= 16 else { throw ValidationError("The key in \(keyFile ?? "") must be at least 16 characters") }
        let person = reviewer ?? ProcessInfo.processInfo.environment["USER"] ?? "reviewer"
        let site = BatchReviewSite(folder: url, ledger: ledger, key: key, reviewer: person)
        var logger = Logger(label: "lightbox-review")
        logger.logLevel = .warning
        let waiting = try ledger.reviews(state: "pending").count
        let printsKey = keyFile == nil
        let application = Application(
            router: site.router(), configuration: .init(address: .hostname(host, port: port), serverName: "lightbox"),
            onServerRunning: { [host] channel in
                let bound = channel.localAddress?.port ?? 0
                Engine.log("serving on http://\(host):\(bound)/review (the review page) · \(waiting) waiting · decisions by \(person)"
                           + (printsKey ? " · key: \(key)" : ""))
            }, logger: logger)
        try await application.runService()
    }
}
