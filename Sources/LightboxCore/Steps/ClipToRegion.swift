/// Keeps the matte inside the region of interest: whatever lies outside it is background.
public struct ClipToRegion: PipelineStep {
    public let name = "region"

    public init() {}

    public func isEnabled(for options: ProcessOptions) -> Bool { options.framing.region != nil }

    public func run(_ context: inout PipelineContext) throws {
        let matte = try context.required(context.matte, "matte")
        let source = try context.required(context.sourceSize, "source size")
        guard let region = context.options.framing.region else { return }
        // Pixel coordinates are the upright photo's: the stored size, turned like the matte.
        let upright = (source.width >= source.height) == (matte.size.width >= matte.size.height)
            ? source : PixelSize(width: source.height, height: source.width)
        guard let rect = region.rect(on: matte.size, photo: upright) else {
            throw LightboxError(.invalidOption, "The region \(region) holds no pixels of this \(upright) photo")
        }
        context.matte = try VipsImage.solid(matte.size, colour: [0])
            .inserting(matte.cropped(to: rect), at: (rect.x, rect.y)).materialized()
    }
}
