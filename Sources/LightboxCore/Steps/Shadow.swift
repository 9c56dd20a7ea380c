/// Lays a shadow made from the product's own alpha onto the canvas, beneath where the
/// product will go, and on a scene's floor a contact shadow where it stands. It is drawn
/// into the canvas, so it never spills outside it.
public struct Shadow: PipelineStep {
    public let name = "shadow"

    public init() {}

    public func isEnabled(for options: ProcessOptions) -> Bool { options.shadow != ShadowKind.none }

    public func run(_ context: inout PipelineContext) throws {
        let background = try context.required(context.background, "background")
        let kind = context.options.shadow ?? background.defaultShadow
        var styles = kind.style.map { [$0] } ?? []
        if background.floorLine != nil { styles.append(.contact) }
        for style in styles {
            context.canvas = try cast(style, in: context)
        }
    }

    private func cast(_ style: ShadowStyle, in context: PipelineContext) throws -> VipsImage {
        let canvas = try context.required(context.canvas, "canvas")
        let product = try context.required(context.product, "placed product")
        guard let (alpha, area) = try style.alpha(for: product, canvas: canvas.size) else { return canvas }
        // A black shadow: darken an opaque canvas, or become the alpha of a transparent one.
        let under = try canvas.cropped(to: area)
        let shaded = canvas.bands == 3
            ? try (under * alpha.linear(-1.0 / 255, 1)).cast(.uchar)
            : try under.bands(0, count: 3).joined(with: alpha)
        // Left lazy: Composite computes background, shadow and product in one pass.
        return try canvas.inserting(shaded.tagged(.srgb), at: (area.x, area.y))
    }
}

public enum ShadowKind: String, Sendable, CaseIterable, Codable {
    case none, soft, hard, natural, floating

    /// The documented defaults of each kind, as fractions of the product's height.
    public var style: ShadowStyle? {
        switch self {
        case .none: nil
        case .soft: ShadowStyle(offsetX: 0, offsetY: 0.02, blur: 0.025, opacity: 0.35)
        case .hard: ShadowStyle(offsetX: 0.03, offsetY: 0.03, blur: 0.003, opacity: 0.45)
        case .natural: ShadowStyle(offsetX: 0.015, offsetY: 0.02, blur: 0.012, opacity: 0.4)
        case .floating: ShadowStyle(offsetX: 0, offsetY: 0, blur: 0.035, opacity: 0.35,
                                    footprint: .init(widthFraction: 0.85, heightFraction: 0.07, gap: 0.05))
        }
    }
}

/// Offsets and blur are fractions of the product's height; opacity is 0...1.
public struct ShadowStyle: Sendable, Equatable {
    /// Where a product stands on a floor: a thin, dark, nearly sharp band under its base.
    public static let contact = ShadowStyle(offsetX: 0, offsetY: 0, blur: 0.004, opacity: 0.55,
                                            footprint: .init(widthFraction: 0.92, heightFraction: 0.018, gap: -0.009))

    /// A flattened copy of the silhouette that lies below the product with a gap,
    /// instead of the silhouette itself.
    public struct Footprint: Sendable, Equatable {
        public var widthFraction: Double
        public var heightFraction: Double
        public var gap: Double
    }

    public var offsetX: Double
    public var offsetY: Double
    public var blur: Double
    public var opacity: Double
    public var footprint: Footprint?

    /// The shadow's 8-bit alpha over the part of the canvas it touches, or nil when it
    /// falls outside the canvas.
    func alpha(for product: PlacedProduct, canvas: PixelSize) throws -> (VipsImage, PixelRect)? {
        let frame = product.frame, height = Double(frame.height)
        var size = frame.size
        var origin = (x: Double(frame.x) + offsetX * height, y: Double(frame.y) + offsetY * height)
        if let footprint {
            size = PixelSize(width: max(1, Int(Double(frame.width) * footprint.widthFraction)),
                             height: max(1, Int(height * footprint.heightFraction)))
            origin = (Double(frame.x + (frame.width - size.width) / 2), Double(frame.y + frame.height) + footprint.gap * height)
        }
        let sigma = max(blur * height, 0.5), reach = Int((3 * sigma).rounded(.up))
        let left = max(0, Int(origin.x) - reach), top = max(0, Int(origin.y) - reach)
        let right = min(canvas.width, Int(origin.x) + size.width + reach)
        let bottom = min(canvas.height, Int(origin.y) + size.height + reach)
        guard right > left, bottom > top else { return nil }
        let area = PixelRect(x: left, y: top, width: right - left, height: bottom - top)
        // A wide blur runs on a shrunken copy: a shadow has no detail to lose.
        let sharpest = 4.0, shrink = max(1, sigma / sharpest)
        let small = { (length: Int) in max(1, Int((Double(length) / shrink).rounded())) }
        let silhouette = try product.image.bands(3)
            .resampled(to: PixelSize(width: small(size.width), height: small(size.height)))
            .embedded(in: PixelSize(width: small(area.width), height: small(area.height)),
                      at: (Int(((origin.x - Double(left)) / shrink).rounded()), Int(((origin.y - Double(top)) / shrink).rounded())))
        // Materialized: upsampling reads overlapping windows, which would redo the blur.
        let blurred = try silhouette.gaussianBlurred(sigma: sigma / shrink).linear(opacity, 0, uchar: true).materialized()
        return (shrink > 1 ? try blurred.scaledBilinear(to: area.size) : blurred, area)
    }
}
