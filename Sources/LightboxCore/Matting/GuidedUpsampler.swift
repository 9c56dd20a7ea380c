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

    /// Returns the float matte (about 0...1) at `image`'s size, for the part of the mask
    /// in `window` (mask pixels), which `image` shows.
    func upsample(_ mask: VipsImage, window: (x: Double, y: Double, width: Double, height: Double),
                  guidedBy image: VipsImage) throws -> VipsImage {
        // The guide is the image shrunk by a whole factor, so that box-averaging suffices.
        let wanted = guidePixelsPerMaskPixel * window.width / Double(image.width)
        let factor = max(1, Int((1 / wanted).rounded(.down)))
        let guide = try (factor > 1 ? image.shrunk(by: factor) : image).linear(1.0 / 255, 0).materialized()
        // The part of the image (and so of the mask) the guide covers.
        let covered = (width: Double(guide.width * factor), height: Double(guide.height * factor))
        let maskWindow = (window.x, window.y, window.width * covered.width / Double(image.width),
                          window.height * covered.height / Double(image.height))
        let target = try mask.scaledBilinear(window: maskWindow, to: guide.size)
        let radius = max(1, Int((radiusInMaskPixels * Double(guide.width) / maskWindow.2).rounded()))
        let coefficients = try self.coefficients(guide: guide, target: target, radius: radius)
        let scaled = try coefficients.scaledBilinear(window: (0, 0, Double(image.width) / Double(factor),
                                                              Double(image.height) / Double(factor)), to: image.size)
        let full = try image.linear(1.0 / 255, 0)
        return try (scaled.bands(0, count: 3) * full).bandMean().linear(3, 0) + scaled.bands(3)
    }

    /// Box-filtered per-pixel linear model `q = a·I + b`, as 4 bands: a (3) and b.
    /// This runs on the small guide (tens of thousands of pixels): libvips has no per-pixel
    /// matrix solve, and composing one from ~60 operations cost 80 ms against a few here.
    private func coefficients(guide: VipsImage, target: VipsImage, radius: Int) throws -> VipsImage {
        let size = guide.size
        let colour = try guide.cast(.float).pixels(as: Float.self)
        let mask = try target.cast(.float).pixels(as: Float.self)
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
        return try VipsImage.fromPixels(model, size: size, bands: 4, format: .float)
    }
}
