/// The per-angle prompts sent with a hero shot to the edit model: which views a kind of
/// product is shown from, in a store's usual order, and one template that keeps the product
/// itself unchanged and the look of a studio gallery.
public enum AnglePrompts {
    public struct Angle: Sendable, Equatable, Codable {
        /// A short name for the view, for files, the review queue and the manifest.
        public let view: String
        public let prompt: String
    }

    public static let mostViews = 6

    /// The first `count` views for `category`, worded for the model.
    public static func angles(for category: ProductCategory, count: Int) -> [Angle] {
        views(of: category).prefix(count).map { view, words in
            Angle(view: view, prompt: template(noun: noun(of: category), view: words))
        }
    }

    static func template(noun: String, view: String) -> String {
        "The same \(noun) as in the photo, \(view). Keep the product exactly as it is: shape, proportions, "
            + "colours, materials, printing and logos. Pure white seamless studio background, soft even lighting, "
            + "a soft shadow under it, no props, no people, no added text."
    }

    static func noun(of category: ProductCategory) -> String {
        switch category {
        case .general: "product"
        case .apparel: "garment, on an invisible mannequin"
        case .footwear: "shoe"
        case .jewellery: "piece of jewellery"
        case .bags: "bag"
        case .beauty: "beauty product"
        case .furniture: "piece of furniture"
        case .electronics: "device"
        case .food: "packaged food product"
        }
    }

    static func views(of category: ProductCategory) -> [(String, String)] {
        let threeQuarter = ("three-quarter", "seen in a three-quarter view from the front left, slightly above")
        let side = ("side", "seen from the side, in profile")
        let back = ("back", "seen from the back")
        let top = ("top", "seen from directly above")
        let detail = ("detail", "in a close-up of its most characteristic detail")
        let front = ("front", "seen straight from the front")
        return switch category {
        case .footwear:
            [side, threeQuarter, ("back", "seen from behind, showing the heel"), top, ("sole", "upside down, showing the sole"), detail]
        case .apparel:
            [back, ("flat-lay", "laid flat and seen from above"), detail, side, threeQuarter, front]
        case .jewellery:
            [side, detail, threeQuarter, back, top, front]
        case .furniture:
            [threeQuarter, side, back, front, top, detail]
        default:
            [threeQuarter, side, back, top, detail, front]
        }
    }
}
