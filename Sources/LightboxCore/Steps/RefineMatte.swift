/// Turns the model's low-resolution mask into a crisp 8-bit matte: cuts clutter off the
/// product and drops separate clutter,
/// upsamples along image edges, firms up the edge ramp, and optionally estimates the
/// product's true colour at its edges. Works on the product's region at the scale the
/// canvas needs, or on the whole frame at full size for a cutout or the photo's own frame.
public struct RefineMatte: PipelineStep {
    public let name = "refine-matte"

    public init() {}

    public func run(_ context: inout PipelineContext) throws {
        let image = try context.required(context.image, "working image")
        let options = context.options.matte
        let segmentation = try context.required(context.mask, "segmentation mask")
        let (mask, notes) = try Self.withoutClutter(segmentation.image, seen: segmentation.seen ?? image, options: options)
        context.notes += notes
        context.mask = SegmentationMask(image: mask, rawPeak: segmentation.rawPeak, backend: segmentation.backend,
                                        seen: segmentation.seen)
        // A cutout, and the photo's own frame, need the whole frame.
        let region = context.options.wantsCutout || context.options.framing.frame != .canvas
            ? MatteRegion.whole(image.size)
            : try MatteRegion.around(mask: mask, image: image.size, options: context.options)
        var regionImage = try image.cropped(to: region.frame)
        if region.scale < 1 { regionImage = try regionImage.resampled(to: region.size) }
        let pixels = try ByteImage(regionImage)
        // The model's soft ramp is wider than a real edge: [edgeLow, edgeHigh] maps onto [0, 255].
        let matte = try GuidedUpsampler().upsample(mask, window: region.window(in: mask.size, of: image.size),
                                                   guidedBy: pixels, ramp: (options.edgeLow, options.edgeHigh))
        context.matte = try matte.image()
        context.foreground = try options.decontaminate
            ? ForegroundEstimator().estimate(image: pixels, matte: matte).image()
            : pixels.image()
        // Later steps draw from the region; the whole frame (36 MB at 12 MP) can go.
        context.image = nil
    }

    /// `mask` without the objects that touch the product and the separate blobs beside it, as
    /// `options` ask, with a note for each kind removed. `seen` is the photo at the mask's size.
    static func withoutClutter(_ mask: VipsImage, seen: VipsImage, options: MatteOptions) throws -> (mask: VipsImage, notes: [String]) {
        var (mask, notes) = (mask, [String]())
        if options.separateTouching {
            let (separated, dropped) = try StandingObjects().apply(to: mask, image: seen)
            mask = separated
            if dropped > 0 { notes.append("cut \(dropped) object(s) behind or against the product") }
        }
        if options.clutterThreshold > 0 {
            let (cleaned, dropped) = try ClutterFilter(relativeArea: options.clutterThreshold).apply(to: mask)
            mask = cleaned
            if dropped > 0 { notes.append("dropped \(dropped) clutter blob(s)") }
        }
        return (mask, notes)
    }
}
