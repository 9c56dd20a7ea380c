/// Looks at the product a second time: the model is run again on a crop around the product
/// it found, where the product fills more of the model's input, and the two masks are joined
/// (the larger value wins, so neither look can take away what the other saw). Sharper edges
/// and fewer missed parts, for a second inference's time. Off by default (`--second-look`).
public struct SecondLook: PipelineStep {
    public let name = "second-look"

    /// Space added around the product's box on every side, as a share of its size: the model
    /// needs to see some background to tell the product from it.
    static let padding = 0.25
    /// A crop this large a share of the frame would show the model what it has already seen.
    static let largestCrop = 0.7
    /// The share of the first look's product the joined masks may lose before they are not trusted.
    static let largestLoss = 0.05

    public init() {}

    public func isEnabled(for options: ProcessOptions) -> Bool { options.matte.secondLook }

    public func run(_ context: inout PipelineContext) throws {
        let image = try context.required(context.image, "working image")
        let first = try context.required(context.mask, "segmentation mask")
        // A mask from elsewhere (the fallback remover's) has no model view to repeat.
        guard let seen = first.seen else { return }
        let product = try RefineMatte.withoutClutter(first.image, seen: seen, options: context.options.matte).mask
        guard let crop = try Self.crop(around: product) else {
            context.notes.append("second look skipped: the product fills the frame")
            return
        }
        let sx = Double(image.width) / Double(first.image.width), sy = Double(image.height) / Double(first.image.height)
        let left = Int((Double(crop.x) * sx).rounded(.down)), top = Int((Double(crop.y) * sy).rounded(.down))
        let right = min(image.width, Int((Double(crop.x + crop.width) * sx).rounded(.up)))
        let bottom = min(image.height, Int((Double(crop.y + crop.height) * sy).rounded(.up)))
        let region = try image.cropped(to: PixelRect(x: left, y: top, width: right - left, height: bottom - top))
        let second = try context.services.segmenter.segment(region).image.scaledBilinear(to: crop.size)
        let joined = try Self.joined(first.image, second, at: crop)
        // Joining only adds; if the clutter split then loses part of the product the first look
        // found, the second look has joined the product to something behind it.
        let joinedProduct = try RefineMatte.withoutClutter(joined, seen: seen, options: context.options.matte).mask
        guard try Self.share(of: product, lostIn: joinedProduct) <= Self.largestLoss else {
            context.notes.append("second look not used: it joined the product to what stands behind it")
            return
        }
        context.mask = SegmentationMask(image: joined, rawPeak: first.rawPeak, backend: first.backend, seen: seen)
        context.notes.append("second look at the product's crop")
    }

    /// The share of `product`'s pixels (above one half) that `other` does not have.
    static func share(of product: VipsImage, lostIn other: VipsImage) throws -> Double {
        let (before, after) = (try product.cast(.float).pixels(as: Float.self), try other.cast(.float).pixels(as: Float.self))
        var (kept, lost) = (0, 0)
        for (was, now) in zip(before, after) where was > 0.5 {
            kept += 1
            if now <= 0.5 { lost += 1 }
        }
        return kept == 0 ? 0 : Double(lost) / Double(kept)
    }

    /// The product's box in mask pixels, padded, or nil when there is no product or the crop
    /// would be most of the frame.
    static func crop(around product: VipsImage) throws -> PixelRect? {
        let size = product.size
        guard let box = try Fit.bounds(of: product.compared(.atLeast, 0.5)) else { return nil }
        let padX = Int((padding * Double(box.width)).rounded()), padY = Int((padding * Double(box.height)).rounded())
        let left = max(0, box.x - padX), top = max(0, box.y - padY)
        let right = min(size.width, box.x + box.width + padX), bottom = min(size.height, box.y + box.height + padY)
        let crop = PixelRect(x: left, y: top, width: right - left, height: bottom - top)
        guard Double(crop.size.pixelCount) <= largestCrop * Double(size.pixelCount) else { return nil }
        return crop
    }

    /// `first` with `second` (covering `crop`) laid over it, the larger value winning.
    static func joined(_ first: VipsImage, _ second: VipsImage, at crop: PixelRect) throws -> VipsImage {
        var values = try first.cast(.float).pixels(as: Float.self)
        let inner = try second.cast(.float).pixels(as: Float.self)
        for y in 0..<crop.height {
            for x in 0..<crop.width {
                let index = (crop.y + y) * first.width + crop.x + x
                values[index] = max(values[index], inner[y * crop.width + x])
            }
        }
        return try VipsImage.fromPixels(values, size: first.size, bands: 1, format: .float)
    }
}
