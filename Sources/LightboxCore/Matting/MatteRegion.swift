/// The part of the working image the matte is refined over, and at what scale. A
/// studio shot only needs the product, at about the size it will have on the canvas,
/// so refinement runs on that crop instead of the whole photo; a full-resolution
/// cutout needs the whole frame at scale 1.
struct MatteRegion: Equatable {
    /// In working-image pixels.
    var frame: PixelRect
    /// Refinement pixels per working pixel (at most 1).
    var scale: Double

    var size: PixelSize {
        PixelSize(width: max(1, Int((Double(frame.width) * scale).rounded())),
                  height: max(1, Int((Double(frame.height) * scale).rounded())))
    }

    /// The whole image at full resolution.
    static func whole(_ image: PixelSize) -> MatteRegion {
        MatteRegion(frame: PixelRect(x: 0, y: 0, width: image.width, height: image.height), scale: 1)
    }

    /// A little over the drawn size: the refined product is tighter than the mask's box, and
    /// Fit then reduces it (fast and sharp) instead of enlarging it by a few percent (an
    /// affine bicubic pass, 2–3 times slower).
    static let headroom = 1.06

    /// The product's box in the mask, padded by `padding` mask pixels, scaled so the product
    /// keeps `headroom` times the size it will be drawn at.
    static func around(mask: VipsImage, image: PixelSize, options: ProcessOptions,
                       padding: Double = 4, headroom: Double = MatteRegion.headroom) throws -> MatteRegion {
        guard let box = try Fit.bounds(of: mask.linear(255, 0, uchar: true)) else { return whole(image) }
        let sx = Double(image.width) / Double(mask.width), sy = Double(image.height) / Double(mask.height)
        let left = max(0, Int((Double(box.x) - padding) * sx))
        let top = max(0, Int((Double(box.y) - padding) * sy))
        let right = min(image.width, Int((Double(box.x + box.width) + padding) * sx))
        let bottom = min(image.height, Int((Double(box.y + box.height) + padding) * sy))
        let frame = PixelRect(x: left, y: top, width: max(1, right - left), height: max(1, bottom - top))
        let product = PixelSize(width: max(1, Int(Double(box.width) * sx)), height: max(1, Int(Double(box.height) * sy)))
        let drawn = Fit.layout(product: product, canvas: options.canvas, marginPercent: options.marginPercent,
                               alignment: options.alignment)
        let scale = min(1, headroom * Double(drawn.width) / Double(product.width))
        return MatteRegion(frame: frame, scale: scale)
    }

    /// This region's window in the coordinates of an image of `other` size covering the same frame.
    func window(in other: PixelSize, of image: PixelSize) -> (x: Double, y: Double, width: Double, height: Double) {
        let sx = Double(other.width) / Double(image.width), sy = Double(other.height) / Double(image.height)
        return (Double(frame.x) * sx, Double(frame.y) * sy, Double(frame.width) * sx, Double(frame.height) * sy)
    }
}
