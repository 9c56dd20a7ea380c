/// Brings a low-resolution mask up to the image's resolution along the image's own
/// edges: a colour guided filter (He, Sun and Tang) computed at a reduced guide
/// resolution, whose linear coefficients are then upsampled and applied at full size
/// ("fast guided filter").
struct GuidedUpsampler {
    /// Guide resolution, in guide pixels per mask pixel.
    var guidePixelsPerMaskPixel = 1.5
    /// Window radius, in pixels of the low-resolution mask.
    var radiusInMaskPixels = 4.0
    /// Regularisation: larger values smooth more and follow image edges less.
    var epsilon = 1e-4

    /// Returns the 8-bit matte at `image`'s size, for the part of the mask in `window` (mask
    /// pixels), which the 8-bit RGB `image` shows. The filter's output `q` (about 0...1) is
    /// mapped so that `ramp.low` becomes 0 and `ramp.high` 255.
    func upsample(_ mask: VipsImage, window: (x: Double, y: Double, width: Double, height: Double),
                  guidedBy image: ByteImage, ramp: (low: Double, high: Double) = (0, 1)) throws -> ByteImage {
        // The guide is the image shrunk by a whole factor, so that box-averaging suffices.
        let wanted = guidePixelsPerMaskPixel * window.width / Double(image.size.width)
        let factor = max(1, Int((1 / wanted).rounded(.down)))
        let guide = image.shrunk(by: factor)
        // The part of the image (and so of the mask) the guide covers.
        let covered = (width: Double(guide.size.width * factor), height: Double(guide.size.height * factor))
        let maskWindow = (window.x, window.y, window.width * covered.width / Double(image.size.width),
                          window.height * covered.height / Double(image.size.height))
        let target = try mask.scaledBilinear(window: maskWindow, to: guide.size).cast(.float).pixels(as: Float.self)
        let radius = max(1, Int((radiusInMaskPixels * Double(guide.size.width) / maskWindow.2).rounded()))
        let model = coefficients(guide: guide, target: target, radius: radius)
        return try LinearModelField(coefficients: model, size: guide.size, factor: factor).apply(to: image, ramp: ramp)
    }

    /// Box-filtered per-pixel linear model `q = a·I + b` (I in 0...1), band-interleaved: a (3)
    /// and b. This runs on the small guide (tens of thousands of pixels): libvips has no
    /// per-pixel matrix solve, and composing one from ~60 operations cost 80 ms against a few here.
    private func coefficients(guide: ByteImage, target mask: [Float], radius: Int) -> [Float] {
        let size = guide.size
        let colour = guide.values.map { Float($0) / 255 }
        var moments = [Float](repeating: 0, count: size.pixelCount * 13)
        for pixel in 0..<size.pixelCount {
            let (r, g, b, p) = (colour[pixel * 3], colour[pixel * 3 + 1], colour[pixel * 3 + 2], mask[pixel])
            let base = pixel * 13
            (moments[base], moments[base + 1], moments[base + 2], moments[base + 3]) = (r, g, b, p)
            (moments[base + 4], moments[base + 5], moments[base + 6]) = (r * r, r * g, r * b)
            (moments[base + 7], moments[base + 8], moments[base + 9]) = (g * g, g * b, b * b)
            (moments[base + 10], moments[base + 11], moments[base + 12]) = (r * p, g * p, b * p)
        }
        BoxFilter.apply(&moments, width: size.width, height: size.height, bands: 13, radius: radius)
        let means = moments
        let e = Float(epsilon)
        var model = [Float](repeating: 0, count: size.pixelCount * 4)
        for pixel in 0..<size.pixelCount {
            let m = pixel * 13
            let (mr, mg, mb, mp) = (means[m], means[m + 1], means[m + 2], means[m + 3])
            let rr = means[m + 4] - mr * mr + e, rg = means[m + 5] - mr * mg, rb = means[m + 6] - mr * mb
            let gg = means[m + 7] - mg * mg + e, gb = means[m + 8] - mg * mb, bb = means[m + 9] - mb * mb + e
            let pr = means[m + 10] - mr * mp, pg = means[m + 11] - mg * mp, pb = means[m + 12] - mb * mp
            // Inverse of the symmetric covariance matrix by cofactors.
            let c00 = gg * bb - gb * gb, c01 = gb * rb - rg * bb, c02 = rg * gb - gg * rb
            let c11 = rr * bb - rb * rb, c12 = rb * rg - rr * gb, c22 = rr * gg - rg * rg
            let determinant = rr * c00 + rg * c01 + rb * c02
            let ar = (pr * c00 + pg * c01 + pb * c02) / determinant
            let ag = (pr * c01 + pg * c11 + pb * c12) / determinant
            let ab = (pr * c02 + pg * c12 + pb * c22) / determinant
            model[pixel * 4] = ar
            model[pixel * 4 + 1] = ag
            model[pixel * 4 + 2] = ab
            model[pixel * 4 + 3] = mp - ar * mr - ag * mg - ab * mb
        }
        BoxFilter.apply(&model, width: size.width, height: size.height, bands: 4, radius: radius)
        return model
    }
}
