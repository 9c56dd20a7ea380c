/// Trims to the product, scales it to fit the canvas minus the margin, and places it:
/// centred, on the bottom margin, or standing on a scene's floor; or where `FramePhoto` said.
public struct Fit: PipelineStep {
    public let name = "fit"

    /// Matte values at or below this do not count toward the product's bounding box.
    static let boundsThreshold = 24.0

    public init() {}

    public func run(_ context: inout PipelineContext) throws {
        let matte = try context.required(context.matte, "matte")
        let colour = try context.required(context.foreground, "foreground")
        guard let bounds = try Self.bounds(of: matte) else {
            throw LightboxError(.qaFailed, "No product found: the matte is empty")
        }
        let options = context.options
        let layout = context.placement ?? Self.layout(product: bounds.size, canvas: options.canvas,
            marginPercent: options.marginPercent, alignment: options.alignment, floorLine: context.background?.floorLine)
        let product = try colour.joined(with: matte).cropped(to: bounds)
        // Refinement already brought the product to about its drawn size; a scale near 1 needs
        // no wide kernel.
        let scale = Double(layout.width) / Double(bounds.width)
        let kernel: ResampleKernel = (0.8...1.25).contains(scale) ? .cubic : .lanczos
        // Transparent pixels must lend no colour to the edge. Decontamination already filled
        // them with the product's colour; otherwise resample premultiplied (three float passes more).
        let scaled = context.options.matte.decontaminate
            ? try product.resampled(to: layout.size, kernel: kernel)
            : try product.premultiplied().resampled(to: layout.size, kernel: kernel).unpremultiplied().cast(.uchar)
        context.product = PlacedProduct(image: try scaled.tagged(.srgb).materialized(), frame: layout)
    }

    /// The tight box around matte values above `boundsThreshold`, or nil when there are none.
    static func bounds(of matte: VipsImage) throws -> PixelRect? {
        let (columns, rows) = try matte.compared(.more, boundsThreshold).projections()
        guard let left = columns.firstIndex(where: { $0 > 0 }), let right = columns.lastIndex(where: { $0 > 0 }),
              let top = rows.firstIndex(where: { $0 > 0 }), let bottom = rows.lastIndex(where: { $0 > 0 })
        else { return nil }
        return PixelRect(x: left, y: top, width: right - left + 1, height: bottom - top + 1)
    }

    /// Where a product of `product` size goes: as large as fits inside the margins, centred
    /// horizontally, and centred or standing on the bottom margin. On a scene with a floor
    /// (`floorLine`, a fraction of the canvas height), it stands on the floor and fits
    /// between the top margin and the floor.
    static func layout(product: PixelSize, canvas: PixelSize, marginPercent: Double,
                       alignment: Alignment, floorLine: Double? = nil) -> PixelRect {
        let fraction = 1 - 2 * marginPercent / 100
        let innerWidth = Double(canvas.width) * fraction
        let topMargin = Double(canvas.height) * marginPercent / 100
        let floorY = floorLine.map { $0 * Double(canvas.height) }
        let innerHeight = floorY.map { $0 - topMargin } ?? Double(canvas.height) * fraction
        let scale = min(innerWidth / Double(product.width), innerHeight / Double(product.height))
        let width = max(1, Int((Double(product.width) * scale).rounded()))
        let height = max(1, Int((Double(product.height) * scale).rounded()))
        let x = (canvas.width - width) / 2
        let y = switch (floorY, alignment) {
        case (let floorY?, _): Int(floorY.rounded()) - height
        case (nil, .center): (canvas.height - height) / 2
        case (nil, .bottom): Int((Double(canvas.height) - (Double(canvas.height) - innerHeight) / 2).rounded()) - height
        }
        return PixelRect(x: x, y: y, width: width, height: height)
    }
}

public enum Alignment: String, Sendable, CaseIterable, Codable {
    case center, bottom
}

/// The scaled RGBA product and where it sits on the canvas.
public struct PlacedProduct: Sendable {
    public let image: VipsImage
    public let frame: PixelRect
}
