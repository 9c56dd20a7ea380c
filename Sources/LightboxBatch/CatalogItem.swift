import Foundation

/// One product image named by a catalogue source: which SKU it belongs to, where its bytes
/// are, and what the source says about it.
public struct CatalogItem: Sendable, Equatable {
    public enum Location: Sendable, Equatable {
        case file(URL)
        case remote(String)

        public var description: String {
            switch self {
            case .file(let url): url.path
            case .remote(let text): text
            }
        }
    }

    public var sku: String
    public var image: Location
    public var label: String?
    /// Category names or paths ("Gear/Bags"); any of them can select a template section.
    public var categories: [String] = []
    /// The one store view this row is for; nil for every store view.
    public var store: String?
    public var updatedAt: Date?
    public var skip = false
    /// The item's place in its source (row or file order), for stable output and limits.
    public var position = 0
    /// Where the store shows this image (a Magento export's role columns); empty when the
    /// source does not say, and then a SKU's first image takes every role.
    public var roles: Set<ImageRole> = []

    public init(sku: String, image: Location, label: String? = nil, categories: [String] = [], store: String? = nil,
                updatedAt: Date? = nil, skip: Bool = false, position: Int = 0) {
        self.sku = sku
        self.image = image
        self.label = label
        self.categories = categories
        self.store = store
        self.updatedAt = updatedAt
        self.skip = skip
        self.position = position
    }
}

/// The places a store shows a product's image, as Magento names its columns.
public enum ImageRole: String, Sendable, CaseIterable {
    case base, small, thumbnail, swatch

    /// The export's and the import's column: `base_image`, `small_image`, …
    public var column: String { rawValue + "_image" }
}

/// A source's complaint about its own text: a missing column, a bad date.
public struct SourceError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Dates as catalogues write them: ISO 8601 with or without time or zone, or
/// Magento's "MM/DD/YY, H:MM AM".
public enum CatalogDate {
    public static func parse(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        for format in formats {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = format
            if let date = formatter.date(from: trimmed) { return date }
        }
        return nil
    }

    static let formats = ["yyyy-MM-dd'T'HH:mm:ssXXXXX", "yyyy-MM-dd'T'HH:mm:ss.SSSXXXXX", "yyyy-MM-dd'T'HH:mm:ss",
                          "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd", "M/d/yy, h:mm a", "M/d/yy h:mm a", "M/d/yyyy"]
}
