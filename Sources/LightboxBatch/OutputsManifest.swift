import Foundation

/// `manifest.json` and `manifest.csv`: for every SKU and store view, the files written
/// (or the original kept), each with a ready `<picture>` element, and a person's review of
/// it when it was flagged (`--review`): an importer publishes only what is not pending or rejected.
public enum OutputsManifest {
    struct Image: Encodable {
        let source: String
        let status: String
        let reason: String?
        let files: [String: String]
        let width: Int?
        let height: Int?
        let picture: String?
        let review: Review?
        /// Drawn by a generative model (a missing angle); its files are in the store folder once approved.
        let generated: Bool?
    }

    struct Review: Encodable {
        let state: String
        let reason: String?
        let decidedBy: String?
        let decidedAt: String?
    }

    struct SKU: Encodable {
        let sku: String
        let label: String?
        let stores: [String: [Image]]
    }

    public static func write(_ entries: [BatchLedger.Entry], to folder: URL) throws {
        let images = entries.filter { $0.status != .failed }
        var order: [String] = [], bySKU: [String: [BatchLedger.Entry]] = [:]
        for entry in images {
            if bySKU[entry.sku] == nil { order.append(entry.sku) }
            bySKU[entry.sku, default: []].append(entry)
        }
        let skus = order.map { sku in
            let rows = bySKU[sku]!
            return SKU(sku: sku, label: rows.compactMap(\.label).first,
                       stores: Dictionary(grouping: rows, by: \.store).mapValues { $0.map(image) })
        }
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(["skus": skus]).write(to: folder.appendingPathComponent("manifest.json"), options: .atomic)
        try csv(images).write(to: folder.appendingPathComponent("manifest.csv"), atomically: true, encoding: .utf8)
    }

    static func image(_ entry: BatchLedger.Entry) -> Image {
        let files = Dictionary(entry.outputs.map { ($0.format, $0.path) }, uniquingKeysWith: { first, _ in first })
        return Image(source: entry.source, status: entry.status.rawValue, reason: entry.reason, files: files,
                     width: entry.outputs.first?.width, height: entry.outputs.first?.height, picture: picture(entry),
                     review: entry.reviewState.map {
                         Review(state: $0, reason: entry.reviewReason, decidedBy: entry.reviewedBy,
                                decidedAt: entry.reviewedAt.map(stamp))
                     }, generated: entry.isGeneratedAngle ? true : nil)
    }

    static func stamp(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    static let columns = ["store", "sku", "label", "source", "status", "reason", "avif", "webp", "jpeg", "png", "original",
                          "picture", "review", "review_reason", "reviewed_by", "reviewed_at"]

    static func csv(_ entries: [BatchLedger.Entry]) -> String {
        let rows = entries.map { entry -> [String] in
            let files = Dictionary(entry.outputs.map { ($0.format, $0.path) }, uniquingKeysWith: { first, _ in first })
            let original = entry.status == .keptOriginal ? entry.outputs.first?.path ?? "" : ""
            return [entry.store, entry.sku, entry.label ?? "", entry.source, entry.status.rawValue, entry.reason ?? "",
                    files["avif"] ?? "", files["webp"] ?? "", files["jpeg"] ?? "", files["png"] ?? "", original,
                    picture(entry) ?? "", entry.reviewState ?? "", entry.reviewReason ?? "", entry.reviewedBy ?? "",
                    entry.reviewedAt.map(stamp) ?? ""]
        }
        return csv(header: columns, rows: rows)
    }

    /// A CSV file's text: the header, then each row, quoted where a field needs it.
    static func csv(header: [String], rows: [[String]]) -> String {
        ([header] + rows).map { $0.map(csvField).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    static func csvField(_ text: String) -> String {
        text.contains { $0 == "," || $0 == "\"" || $0 == "\n" } ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    /// AVIF, then WebP sources, and the JPEG (or whatever else there is) as the `<img>`,
    /// with alt text from the label. Paths are relative to the output folder.
    static func picture(_ entry: BatchLedger.Entry) -> String? {
        let files = Dictionary(entry.outputs.map { ($0.format, $0) }, uniquingKeysWith: { first, _ in first })
        guard let fallback = files["jpeg"] ?? files["png"] ?? entry.outputs.first else { return nil }
        var html = "<picture>"
        for format in ["avif", "webp"] where fallback.format != format {
            if let file = files[format] { html += "<source type=\"image/\(format)\" srcset=\"\(escape(file.path))\">" }
        }
        html += "<img src=\"\(escape(fallback.path))\" alt=\"\(escape(entry.label ?? entry.sku))\""
        if fallback.width > 0 { html += " width=\"\(fallback.width)\" height=\"\(fallback.height)\"" }
        return html + " loading=\"lazy\"></picture>"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
