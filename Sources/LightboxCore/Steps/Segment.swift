/// Runs the segmentation model on the working image.
public struct Segment: PipelineStep {
    public let name = "segment"

    public init() {}

    public func run(_ context: inout PipelineContext) throws {
        let image = try context.required(context.image, "working image")
        context.mask = try context.services.segmenter.segment(image)
    }
}
