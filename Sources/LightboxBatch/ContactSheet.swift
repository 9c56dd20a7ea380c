import Foundation
import LightboxCore

/// The batch at a glance: `report.html` (every entry, problems first, with before/after
/// thumbnails, QA, failures and timings) and `report.png` (the same as one picture, for
/// the first `pictureRows` entries).
public struct ContactSheet {
    public var pictureRows = 150
    static let tile = 160, gap = 8, textWidth = 330

    public init() {}

    public func write(_ entries: [BatchLedger.Entry], summary: BatchSummary, to folder: URL) throws {
        let ordered = Self.problemsFirst(entries)
        try html(ordered, summary: summary).write(to: folder.appendingPathComponent("report.html"), atomically: true,
                                                  encoding: .utf8)
        let picture = try png(Array(ordered.prefix(pictureRows)), more: max(0, ordered.count - pictureRows), folder: folder)
        try picture.encoded(as: .png).write(to: folder.appendingPathComponent("report.png"), options: .atomic)
    }

    static func problemsFirst(_ entries: [BatchLedger.Entry]) -> [BatchLedger.Entry] {
        let rank: (BatchLedger.Entry) -> Int = { $0.status == .failed ? 0 : $0.status == .keptOriginal ? 1 : 2 }
        return entries.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(\.element)
    }

    static func flag(_ entry: BatchLedger.Entry) -> String {
        switch entry.status {
        case .processed: "ok"
        case .keptOriginal: "kept original: \(entry.reason ?? "")"
        case .failed: "failed: \(entry.reason ?? "")"
        }
    }

    // MARK: HTML

    func html(_ entries: [BatchLedger.Entry], summary: BatchSummary) -> String {
        let escape = OutputsManifest.escape
        func counts(_ values: [String: Int]) -> String {
            values.isEmpty ? "0" : values.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }
        var rows = ""
        for entry in entries {
            let image = { (path: String?) in path.map { "<img src=\"\(escape($0))\" alt=\"\">" } ?? "—" }
            let qa = entry.qaScore.map { String(format: "%.2f", $0) } ?? "—"
            rows += """
                <tr class="\(entry.status.rawValue)"><td>\(escape(entry.sku))<br><small>\(escape(entry.label ?? ""))</small></td>\
                <td>\(escape(entry.store))</td><td>\(image(entry.beforeThumbnail))</td><td>\(image(entry.afterThumbnail))</td>\
                <td>\(escape(Self.flag(entry)))<br><small>\(escape(entry.message ?? ""))</small></td><td>\(qa)</td>\
                <td>\(String(format: "%.0f", entry.milliseconds))</td></tr>

                """
        }
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Lightbox batch report</title>
            <style>
            body { font: 14px system-ui, sans-serif; margin: 24px; color: #222; }
            table { border-collapse: collapse; } td, th { border-bottom: 1px solid #ddd; padding: 6px 10px; text-align: left; vertical-align: middle; }
            img { max-width: \(Self.tile)px; max-height: \(Self.tile)px; background: #eee; }
            tr.failed { background: #fde8e8; } tr.kept_original { background: #fff6dd; } small { color: #666; }
            </style></head><body>
            <h1>Batch report</h1>
            <p>This run: \(summary.processed) processed, skipped: \(counts(summary.skipped)), failed: \(counts(summary.failed)), \
            kept original: \(counts(summary.keptOriginal)); \(String(format: "%.1f", summary.seconds)) s\
            \(summary.interrupted ? ", interrupted (\(summary.notStarted) left: run again to continue)" : "").</p>
            <p>In the batch so far: \(entries.filter { $0.status == .processed }.count) processed, \
            \(entries.filter { $0.status == .keptOriginal }.count) kept original, \(entries.filter { $0.status == .failed }.count) failed.</p>
            <table><tr><th>SKU</th><th>store</th><th>before</th><th>after</th><th>QA / outcome</th><th>QA score</th><th>ms</th></tr>
            \(rows)</table></body></html>

            """
    }

    // MARK: PNG

    func png(_ entries: [BatchLedger.Entry], more: Int, folder: URL) throws -> VipsImage {
        let rowHeight = Self.tile + Self.gap, header = 36
        let size = PixelSize(width: Self.textWidth + 2 * (Self.tile + Self.gap) + Self.gap,
                             height: header + max(1, entries.count) * rowHeight + (more > 0 ? 30 : 0) + Self.gap)
        var sheet = try VipsImage.solid(size, colour: [250, 250, 250])
        sheet = try sheet.drawingText("SKU · store · outcome · ms", at: (Self.gap, 10))
            .drawingText("before", at: (Self.textWidth, 10)).drawingText("after", at: (Self.textWidth + Self.tile + Self.gap, 10))
        for (row, entry) in entries.enumerated() {
            let y = header + row * rowHeight
            let ink: [Double] = entry.status == .failed ? [190, 20, 20] : entry.status == .keptOriginal ? [170, 110, 0] : [40, 40, 40]
            sheet = try sheet.drawingText(entry.sku, at: (Self.gap, y + 40), font: "DejaVu Sans Bold 14")
                .drawingText("\(entry.store) · \(String(format: "%.0f", entry.milliseconds)) ms", at: (Self.gap, y + 64))
                .drawingText(Self.flag(entry), at: (Self.gap, y + 88), ink: ink)
            for (column, path) in [entry.beforeThumbnail, entry.afterThumbnail].enumerated() {
                guard let path, let tile = try? fitted(folder.appendingPathComponent(path)) else { continue }
                let x = Self.textWidth + column * (Self.tile + Self.gap)
                sheet = try sheet.inserting(tile, at: (x + (Self.tile - tile.width) / 2, y + (Self.tile - tile.height) / 2))
            }
            // Keep libvips' chain of operations short.
            if row % 10 == 9 { sheet = try sheet.materialized() }
        }
        if more > 0 {
            sheet = try sheet.drawingText("… and \(more) more in report.html", at: (Self.gap, size.height - 34))
        }
        return try sheet.tagged(.srgb).materialized()
    }

    private func fitted(_ file: URL) throws -> VipsImage {
        let image = try VipsImage.decode(Data(contentsOf: file))
        let scale = min(1, Double(Self.tile) / Double(image.size.longSide))
        let resized = scale < 1 ? try image.resized(horizontal: scale, vertical: scale) : image
        return resized.bands == 3 ? resized : try resized.bands(0, count: 3)
    }
}
