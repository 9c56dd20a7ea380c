import Foundation

/// A scene the generator painted, or a photo the caller gave: decoded like any untrusted
/// image, then scaled to cover the canvas and centre-cropped, so that a 1024×1024 scene fills a
/// 1500×1500 canvas.
struct GeneratedBackground: BackgroundRenderer {
    let encoded: Data
    var limits = DecodeLimits()
    /// What the image is, for errors, and the error it makes when unreadable.
    var source = "generator's image"
    var failure = LightboxError.Code.generatorUnavailable

    func render(size: PixelSize) throws -> VipsImage {
        guard let format = ImageFormat.sniff(encoded) else {
            throw LightboxError(failure, "The \(source) is not an image")
        }
        let decoded = try encoded.withUnsafeBytes { bytes in
            do {
                let image = try VipsImage.load(bytes, as: format)
                guard image.size.pixelCount <= limits.maxPixels else {
                    throw LightboxError(failure, "The \(source) is \(image.size), over the pixel limit")
                }
                return try image.toSRGB(usingEmbeddedProfile: true).materialized()
            } catch let error as LightboxError where error.code == .internal {
                throw LightboxError(failure, "The \(source) (\(format.rawValue.uppercased())) is unreadable")
            }
        }
        let opaque = decoded.bands >= 3 ? try decoded.bands(0, count: 3) : try decoded.joined(with: decoded).joined(with: decoded)
        let scale = max(Double(size.width) / Double(opaque.size.width), Double(size.height) / Double(opaque.size.height))
        let covering = PixelSize(width: max(size.width, Int((Double(opaque.size.width) * scale).rounded())),
                                 height: max(size.height, Int((Double(opaque.size.height) * scale).rounded())))
        let scaled = try opaque.resampled(to: covering)
        let crop = PixelRect(x: (covering.width - size.width) / 2, y: (covering.height - size.height) / 2,
                             width: size.width, height: size.height)
        return try scaled.cropped(to: crop).cast(.uchar).tagged(.srgb)
    }
}
