import Foundation

/// Which catalogue items a run takes, and why it leaves each other one out. Pure: the
/// same items and filters always give the same selection.
public struct Selection: Sendable {
    public var since: Date?
    /// At most this many SKUs (all of their images), the first in source order.
    public var limit: Int?
    /// A shell glob over SKUs, e.g. "MB-*".
    public var skuPattern: String?
    /// A category name or path; an item matches when one of its categories equals it or
    /// has it as one of its path components (case-insensitive).
    public var category: String?

    public init(since: Date? = nil, limit: Int? = nil, skuPattern: String? = nil, category: String? = nil) {
        self.since = since
        self.limit = limit
        self.skuPattern = skuPattern
        self.category = category
    }

    public enum Exclusion: String, Sendable, Codable, CaseIterable {
        case notUpdatedSince = "not_updated_since"
        case skuPattern = "sku_pattern"
        case category = "category"
        case overLimit = "over_limit"
    }

    public struct Decision: Sendable {
        public let item: CatalogItem
        /// nil: taken.
        public let exclusion: Exclusion?
    }

    public func decide(_ items: [CatalogItem]) -> [Decision] {
        var takenSKUs = Set<String>()
        return items.map { item in
            if let since, let updated = item.updatedAt, updated < since { return Decision(item: item, exclusion: .notUpdatedSince) }
            if let skuPattern, fnmatch(skuPattern, item.sku, 0) != 0 { return Decision(item: item, exclusion: .skuPattern) }
            if let category, !Self.categories(item.categories, include: category) {
                return Decision(item: item, exclusion: .category)
            }
            if let limit, !takenSKUs.contains(item.sku) {
                guard takenSKUs.count < limit else { return Decision(item: item, exclusion: .overLimit) }
                takenSKUs.insert(item.sku)
            }
            return Decision(item: item, exclusion: nil)
        }
    }

    /// Whether one of `categories` (names or paths) is `category` or has it as a part.
    static func categories(_ categories: [String], include category: String) -> Bool {
        let wanted = category.lowercased()
        return categories.contains { path in
            let lowered = path.lowercased()
            return lowered == wanted || lowered.split(separator: "/").contains { $0.trimmingCharacters(in: .whitespaces) == wanted }
        }
    }
}
