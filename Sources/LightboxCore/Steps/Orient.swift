/// Applies the EXIF orientation before anything else looks at the pixels.
public struct Orient: PipelineStep {
    public let name = "orient"

    public init() {}

    public func run(_ context: inout PipelineContext) throws {
        let image = try context.required(context.image, "decoded image")
        let orientation = image.exifOrientation
        guard orientation != 1 else { return }
        context.image = try image.autorotated()
        context.notes.append("applied EXIF orientation \(orientation)")
    }
}
