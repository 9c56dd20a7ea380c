import Foundation

/// Runs the segmentation model on the working image (or takes its mask from the services'
/// cache, when this photo was segmented at this size a moment ago), or takes the mask from a
/// cutout supplied from elsewhere (the fallback remover's).
public struct Segment: PipelineStep {
    public let name = "segment"

    public init() {}

    static let maskLongSide = 1024

    public func run(_ context: inout PipelineContext) throws {
        let image = try context.required(context.image, "working image")
        if let cutout = context.options.suppliedMatte {
            context.mask = try Self.mask(fromCutout: cutout, size: image.size)
            context.notes.append("matte from the fallback remover")
        } else if let cache = context.services.masks {
            let key = MaskCache.key(input: context.input, size: image.size)
            if let cached = cache.mask(for: key) {
                context.mask = cached
                context.notes.append("mask from the cache")
            } else {
                let mask = try context.services.segmenter.segment(image)
                cache.keep(mask, for: key)
                context.mask = mask
            }
        } else {
            context.mask = try context.services.segmenter.segment(image)
        }
    }

    /// The cutout's alpha as a 0…1 mask in the working image's shape, at most `maskLongSide`
    /// across: `RefineMatte` upsamples it along the image's edges as it does the model's. The
    /// cutout is upright, as remove.bg-style removers return it.
    static func mask(fromCutout cutout: Data, size working: PixelSize) throws -> SegmentationMask {
        let scale = min(1, Double(maskLongSide) / Double(working.longSide))
        let size = PixelSize(width: max(1, Int((Double(working.width) * scale).rounded())),
                             height: max(1, Int((Double(working.height) * scale).rounded())))
        let decoded = try VipsImage.decode(cutout)
        guard decoded.bands == 2 || decoded.bands == 4 else {
            throw LightboxError(.removerUnavailable, "The fallback remover's answer has no alpha channel (\(decoded.bands) bands)")
        }
        let alpha = try decoded.bands(decoded.bands - 1).cast(.uchar)
            .resampled(to: size, kernel: .linear).cast(.float).linear(1.0 / 255, 0)
        return SegmentationMask(image: try alpha.materialized(), rawPeak: 1, backend: "fallback-remover")
    }
}
