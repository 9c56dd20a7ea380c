import Foundation

/// A Magento 2 catalog product export (System › Data Transfer › Export, entity type
/// Products). Each SKU's base, small and thumbnail images and its `additional_images`
/// (a comma list) become items, each file once, base image first. Paths are relative to
/// the store's `pub/media/catalog/product`. Rows for a store view (`store_view_code`)
/// that name images are items for that store view only; those that name none carry only
/// translations and are passed over.
struct MagentoExportSource {
    let mediaRoot: URL

    static let imageColumns = ["base_image", "small_image", "thumbnail_image", "additional_images"]

    static func recognises(_ header: [String]) -> Bool {
        header.contains("sku") && header.contains("base_image")
    }

    func items(_ csv: CSVRows) throws -> [CatalogItem] {
        var items: [CatalogItem] = []
        for (index, row) in csv.rows.enumerated() {
            guard let sku = row.field("sku") else { continue }
            var updatedAt: Date?
            if let text = row.field("updated_at") {
                guard let date = CatalogDate.parse(text) else {
                    throw SourceError("Row \(index + 2) of the export (sku \(sku)) has an unreadable updated_at '\(text)'")
                }
                updatedAt = date
            }
            let store = row.field("store_view_code")
            var seen = Set<String>()
            let images = Self.imageColumns.flatMap { row.field($0).map(ManifestSource.list) ?? [] }
                .filter { $0 != "no_selection" && seen.insert($0).inserted }
            // A swatch is not a product photo of its own: it only takes its role when it is one of the images.
            let roles = ImageRole.allCases.compactMap { role in row.field(role.column).map { ($0, role) } }
            for image in images {
                let relative = image.hasPrefix("/") ? String(image.dropFirst()) : image
                var item = CatalogItem(sku: sku, image: .file(mediaRoot.appendingPathComponent(relative)),
                                       label: row.field("name"), categories: Self.categories(row.field("categories")),
                                       store: store, updatedAt: updatedAt,
                                       skip: row.field("skip").map(ManifestSource.isTrue) ?? false,
                                       position: items.count)
                item.roles = Set(roles.filter { $0.0 == image }.map(\.1))
                items.append(item)
            }
        }
        return items
    }

    /// "Default Category/Gear,Default Category/Gear/Bags" → both paths, without the root.
    static func categories(_ text: String?) -> [String] {
        guard let text else { return [] }
        return ManifestSource.list(text).map { path in
            let parts = path.split(separator: "/").map { $0.trimmingCharacters(in: .whitespaces) }
            return (parts.count > 1 ? parts.dropFirst() : parts[...]).joined(separator: "/")
        }
    }
}
