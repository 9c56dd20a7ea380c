/// Lays the product over the background (and its shadow).
public struct Composite: PipelineStep {
    public let name = "composite"

    public init() {}

    public func run(_ context: inout PipelineContext) throws {
        let canvas = try context.required(context.canvas, "canvas")
        let product = try context.required(context.product, "placed product")
        // Blend only where the product is; the rest of the canvas passes through untouched.
        let under = try canvas.cropped(to: product.frame)
        let blended = context.options.background.isOpaque
            ? try product.image.bands(3).blend(product.image.bands(0, count: 3), over: under)
            : try product.image.composited(over: under, at: (0, 0)).cast(.uchar)
        context.canvas = try canvas.inserting(blended.tagged(.srgb), at: (product.frame.x, product.frame.y))
            .tagged(.srgb).materialized()
    }
}
