import Foundation

/// Stamps text or an image into a corner of the finished canvas.
public struct Watermark: PipelineStep {
    public let name = "watermark"

    public init() {}

    public func isEnabled(for options: ProcessOptions) -> Bool { options.watermark.isEnabled }

    public func run(_ context: inout PipelineContext) throws {
        let canvas = try context.required(context.canvas, "canvas")
        let options = context.options.watermark
        let height = max(8, Int(Double(canvas.height) * options.sizePercent / 100))
        let padding = max(4, min(canvas.width, canvas.height) / 40)
        var mark = try options.image.map { try Self.imageMark($0, height: height) }
            ?? Self.textMark(options.text ?? "", font: options.font, height: height)
        if mark.width > canvas.width - 2 * padding {
            let width = canvas.width - 2 * padding
            mark = try mark.resampled(to: PixelSize(width: width, height: max(1, mark.height * width / mark.width)))
        }
        let origin = options.position.origin(mark: mark.size, canvas: canvas.size, padding: padding)
        if options.image == nil {
            mark = try Self.tinted(mark, against: canvas.cropped(to: PixelRect(x: origin.x, y: origin.y,
                                                                               width: mark.width, height: mark.height)))
        }
        let faded = try mark.bands(0, count: 3).joined(with: mark.bands(3).linear(options.opacity, 0, uchar: true))
        let stamped = try faded.tagged(.srgb).composited(over: canvas, at: origin).cast(.uchar)
        context.canvas = try stamped.bands(0, count: canvas.bands).tagged(.srgb).materialized()
    }

    /// White text on dark ground, black on light; returned as RGBA.
    static func textMark(_ text: String, font: String, height: Int) throws -> VipsImage {
        let coverage = try VipsImage.text(text, font: "\(font) \(height)", dpi: 72)
        return try VipsImage.black(coverage.size, bands: 3).cast(.uchar).joined(with: coverage)
    }

    static func tinted(_ mark: VipsImage, against region: VipsImage) throws -> VipsImage {
        let light = try region.bands(0, count: 3).average() > 128
        let ink: [Double] = light ? [0, 0, 0] : [255, 255, 255]
        return try VipsImage.solid(mark.size, colour: ink).joined(with: mark.bands(3))
    }

    static func imageMark(_ data: Data, height: Int) throws -> VipsImage {
        guard let format = ImageFormat.sniff(data) else {
            throw LightboxError(.invalidOption, "The watermark image is not a JPEG, PNG, WebP, HEIC/AVIF or TIFF image")
        }
        let decoded = try data.withUnsafeBytes { bytes in
            try VipsImage.load(bytes, as: format).toSRGB(usingEmbeddedProfile: false).materialized()
        }
        let rgba = decoded.bands == 4 ? decoded : try decoded.bands(0, count: 3).joined(constants: [255]).cast(.uchar)
        let width = max(1, rgba.width * height / max(1, rgba.height))
        return try rgba.premultiplied().resampled(to: PixelSize(width: width, height: height))
            .unpremultiplied().cast(.uchar)
    }
}

public enum WatermarkPosition: String, Sendable, CaseIterable, Codable {
    case topLeft = "top-left", topRight = "top-right", bottomLeft = "bottom-left", bottomRight = "bottom-right"
    case center

    func origin(mark: PixelSize, canvas: PixelSize, padding: Int) -> (x: Int, y: Int) {
        let right = canvas.width - mark.width - padding, bottom = canvas.height - mark.height - padding
        switch self {
        case .topLeft: return (padding, padding)
        case .topRight: return (right, padding)
        case .bottomLeft: return (padding, bottom)
        case .bottomRight: return (right, bottom)
        case .center: return ((canvas.width - mark.width) / 2, (canvas.height - mark.height) / 2)
        }
    }
}
