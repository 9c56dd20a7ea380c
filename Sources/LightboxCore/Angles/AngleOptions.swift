/// What a store asks of a product's missing angles: how many gallery images it wants, how
/// many it has, and what kind of product it is (which views to draw and how to word them).
public struct AngleOptions: Sendable, Codable, Equatable {
    public var fill = Spec.fill.defaultValue
    public var gallery = Spec.gallery.defaultValue
    public var category = Spec.category.defaultValue
    public var redraw = Spec.redraw.defaultValue

    public init() {}

    /// The angles to draw: up to `fill` images in all, counting the ones the store has.
    public var missing: Int { max(0, fill - gallery) }

    public enum Spec {
        public static let fill = OptionSpec.integer("fill-angles", 0...AnglePrompts.mostViews, default: 0,
            help: "Gallery size to fill with generated angles of the product (0: none); each waits for approval in review")
        public static let gallery = OptionSpec.integer("gallery-images", 0...100, default: 1,
            help: "Gallery images the product already has (the photo sent counts as one)")
        public static let category = OptionSpec.choice("category", default: ProductCategory.general,
            help: "The kind of product: which views its angles show and how the prompt names it")
        public static let redraw = OptionSpec.flag("redraw-angles", default: false,
            help: "Draw angles again for a photo that had them; by default only a new photo gets angles")
    }

    public static let catalog = OptionCatalog<AngleOptions>([
        OptionBinding(Spec.fill, \.fill),
        OptionBinding(Spec.gallery, \.gallery),
        OptionBinding(Spec.category, \.category),
        OptionBinding(Spec.redraw, \.redraw),
    ])
}

public enum ProductCategory: String, Sendable, Codable, CaseIterable {
    case general, apparel, footwear, jewellery, bags, beauty, furniture, electronics, food
}

extension ProductCategory {
    /// The kind of product a catalogue's category names suggest ("Men/Shoes/Sneakers" is
    /// footwear); general when none does.
    public static func guess(from categories: [String]) -> ProductCategory {
        let words = categories.joined(separator: " ").lowercased()
        let clues: [(ProductCategory, [String])] = [
            (.footwear, ["shoe", "sneaker", "boot", "sandal", "footwear", "trainer", "heel"]),
            (.jewellery, ["jewel", "ring", "necklace", "bracelet", "earring", "bangle", "watch"]),
            (.bags, ["bag", "backpack", "purse", "wallet", "luggage"]),
            (.apparel, ["apparel", "clothing", "shirt", "dress", "jacket", "pant", "trouser", "hoodie", "top", "skirt"]),
            (.beauty, ["beauty", "cosmetic", "makeup", "skin", "lipstick", "perfume", "fragrance"]),
            (.furniture, ["furniture", "chair", "table", "sofa", "desk", "shelf", "lamp"]),
            (.electronics, ["electronic", "phone", "laptop", "headphone", "camera", "speaker", "gadget"]),
            (.food, ["food", "snack", "drink", "coffee", "tea", "grocery"]),
        ]
        return clues.first { _, names in names.contains { words.contains($0) } }?.0 ?? .general
    }
}
