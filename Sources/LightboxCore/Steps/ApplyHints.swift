/// A person's fixes for this photo (`matte-hints`), laid on the model's mask before it is
/// refined, so that the refinement follows the image's edges around them.
public struct ApplyHints: PipelineStep {
    public let name = "hints"

    public init() {}

    public func isEnabled(for options: ProcessOptions) -> Bool { options.matteHints != nil }

    public func run(_ context: inout PipelineContext) throws {
        let image = try context.required(context.image, "working image")
        let segmentation = try context.required(context.mask, "segmentation mask")
        guard let hints = context.options.matteHints else { return }
        let size = segmentation.image.size
        let colours = try image.resampled(to: size, kernel: .linear).cast(.uchar).pixels(as: UInt8.self)
        let mask = try segmentation.image.cast(.float).pixels(as: Float.self)
        let fixed = hints.apply(to: mask, colours: colours, size: size)
        context.mask = SegmentationMask(image: try VipsImage.fromPixels(fixed, size: size, bands: 1, format: .float),
                                        rawPeak: segmentation.rawPeak, backend: segmentation.backend, seen: segmentation.seen)
        context.notes.append("applied \(hints.points.count) matte hint(s)")
    }
}
