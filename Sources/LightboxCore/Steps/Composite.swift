/// Lays the product over the background (and its shadow).
public struct Composite: PipelineStep {
    public let name = "composite"

    public init() {}

    public func run(_ context: inout PipelineContext) throws {
        let canvas = try context.required(context.canvas, "canvas")
        let product = try context.required(context.product, "placed product")
        let combined = try product.image.composited(over: canvas, at: (product.frame.x, product.frame.y)).cast(.uchar)
        let bands = context.options.background.isOpaque ? 3 : 4
        context.canvas = try combined.bands(0, count: bands).tagged(.srgb).materialized()
    }
}
