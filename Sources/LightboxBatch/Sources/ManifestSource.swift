import Foundation

/// A CSV or JSONL manifest: `sku` and `image` (a path relative to the manifest, or an
/// http(s) URL), and optionally `label`, `category` (a comma list), `store`, `updated_at`
/// and `skip`.
struct ManifestSource {
    let folder: URL

    func items(_ csv: CSVRows) throws -> [CatalogItem] {
        for column in ["sku", "image"] where !csv.header.contains(column) {
            throw SourceError("The manifest has no '\(column)' column (it has \(csv.header.joined(separator: ", ")))")
        }
        return try csv.rows.enumerated().map { index, row in try item(row, line: index + 2) }
    }

    func items(jsonLines text: String) throws -> [CatalogItem] {
        var items: [CatalogItem] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw SourceError("Line \(index + 1) of the manifest is not a JSON object")
            }
            let row = object.mapValues { value -> String in
                switch value {
                case let text as String: text
                case let flag as Bool: flag ? "true" : "false"
                case let list as [Any]: list.map { "\($0)" }.joined(separator: ",")
                default: "\(value)"
                }
            }
            items.append(try item(Dictionary(row.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a }),
                                  line: index + 1))
        }
        return items.enumerated().map { index, item in
            var item = item
            item.position = index
            return item
        }
    }

    private func item(_ row: [String: String], line: Int) throws -> CatalogItem {
        guard let sku = row.field("sku") else { throw SourceError("Line \(line) of the manifest has no sku") }
        guard let image = row.field("image") else { throw SourceError("Line \(line) of the manifest (sku \(sku)) has no image") }
        var updatedAt: Date?
        if let text = row.field("updated_at") {
            guard let date = CatalogDate.parse(text) else {
                throw SourceError("Line \(line) of the manifest has an unreadable updated_at '\(text)'")
            }
            updatedAt = date
        }
        return CatalogItem(sku: sku, image: Self.location(image, relativeTo: folder), label: row.field("label"),
                           categories: row.field("category").map(Self.list) ?? [], store: row.field("store"),
                           updatedAt: updatedAt, skip: row.field("skip").map(Self.isTrue) ?? false, position: line - 2)
    }

    static func location(_ text: String, relativeTo folder: URL) -> CatalogItem.Location {
        let lowered = text.lowercased()
        if lowered.hasPrefix("http://") || lowered.hasPrefix("https://") || lowered.contains("://") { return .remote(text) }
        return .file(text.hasPrefix("/") ? URL(fileURLWithPath: text) : folder.appendingPathComponent(text))
    }

    static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func isTrue(_ text: String) -> Bool {
        ["1", "true", "yes", "y", "skip"].contains(text.lowercased())
    }
}
