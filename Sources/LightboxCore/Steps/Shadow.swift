/// Lays a shadow made from the product's own alpha onto the canvas, beneath where the
/// product will go. It is drawn into the canvas, so it never spills outside it.
public struct Shadow: PipelineStep {
    public let name = "shadow"

    public init() {}

    public func isEnabled(for options: ProcessOptions) -> Bool { options.shadow != .none }

    public func run(_ context: inout PipelineContext) throws {
        let canvas = try context.required(context.canvas, "canvas")
        let product = try context.required(context.product, "placed product")
        guard let style = context.options.shadow.style else { return }
        let alpha = try style.alpha(for: product, canvas: canvas.size)
        let layer = try VipsImage.black(canvas.size, bands: 3).cast(.uchar).joined(with: alpha).tagged(.srgb)
        let shaded = try layer.composited(over: canvas, at: (0, 0)).cast(.uchar)
        context.canvas = try (canvas.bands == 3 ? shaded.bands(0, count: 3) : shaded).tagged(.srgb)
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

    /// The shadow's 8-bit alpha at canvas size.
    func alpha(for product: PlacedProduct, canvas: PixelSize) throws -> VipsImage {
        let frame = product.frame, height = Double(frame.height)
        var silhouette = try product.image.bands(3)
        var origin = (x: frame.x + Int(offsetX * height), y: frame.y + Int(offsetY * height))
        if let footprint {
            let size = PixelSize(width: max(1, Int(Double(frame.width) * footprint.widthFraction)),
                                 height: max(1, Int(height * footprint.heightFraction)))
            silhouette = try silhouette.resampled(to: size)
            origin = (frame.x + (frame.width - size.width) / 2,
                      frame.y + frame.height + Int(footprint.gap * height))
        }
        let placed = try silhouette.embedded(in: canvas, at: origin)
        return try blurred(placed, sigma: blur * height).linear(opacity, 0, uchar: true)
    }

    /// Wide blurs run on a shrunken copy: a shadow has no detail to lose, and it is much faster.
    private func blurred(_ image: VipsImage, sigma: Double) throws -> VipsImage {
        let sharpest = 4.0
        guard sigma > sharpest else { return try image.gaussianBlurred(sigma: max(sigma, 0.5)) }
        let factor = sigma / sharpest
        let small = PixelSize(width: max(1, Int(Double(image.width) / factor)),
                              height: max(1, Int(Double(image.height) / factor)))
        return try image.resampled(to: small).gaussianBlurred(sigma: sharpest).scaledBilinear(to: image.size)
    }
}
