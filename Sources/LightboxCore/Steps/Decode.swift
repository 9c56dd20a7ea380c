import Foundation

/// Checks the input's size and type, reads the header, enforces the pixel limit,
/// then decodes once, shrinking on load toward the working resolution.
public struct Decode: PipelineStep {
    public let name = "decode"

    public init() {}

    public func run(_ context: inout PipelineContext) throws {
        let input = context.input, limits = context.options.limits
        guard !input.isEmpty else { throw LightboxError(.emptyInput, "The input is empty (0 bytes)") }
        guard input.count <= limits.maxInputBytes else {
            throw LightboxError(.inputTooLarge,
                                "The input is \(megabytes(input.count)) MB; the limit is \(megabytes(limits.maxInputBytes)) MB")
        }
        guard let format = ImageFormat.sniff(input) else {
            throw LightboxError(.unsupportedFormat,
                                "The input is not a JPEG, PNG, WebP, HEIC/AVIF or TIFF image (it starts with \(leadingBytes(input)))")
        }
        context.sourceFormat = format
        let target = context.options.keepFullResolution ? nil : Self.workingLongSide(for: context.options.canvas)
        let (size, image) = try input.withUnsafeBytes { bytes -> (PixelSize, VipsImage) in
            let header = try open(bytes, format, shrink: 1)
            try check(header.size, against: limits)
            let shrink = Self.shrinkFactor(for: header.size, format: format, target: target)
            let chosen = shrink > 1 ? try open(bytes, format, shrink: shrink) : header
            return (header.size, try decodeFailure(format) { try chosen.materialized() })
        }
        context.sourceSize = size
        context.image = image
    }

    /// Twice the canvas: products that fill half the frame are still never upscaled.
    static func workingLongSide(for canvas: PixelSize) -> Int { 2 * canvas.longSide }

    /// The largest power-of-two shrink that keeps the long side at or above `target`.
    static func shrinkFactor(for size: PixelSize, format: ImageFormat, target: Int?) -> Int {
        guard let target, format.shrinksOnLoad else { return 1 }
        return [8, 4, 2].first { size.longSide / $0 >= target } ?? 1
    }

    private func open(_ bytes: UnsafeRawBufferPointer, _ format: ImageFormat, shrink: Int) throws -> VipsImage {
        try decodeFailure(format) { try VipsImage.load(bytes, as: format, shrink: shrink) }
    }

    private func check(_ size: PixelSize, against limits: DecodeLimits) throws {
        guard size.pixelCount <= limits.maxPixels else {
            throw LightboxError(.imageTooLarge, "The image is \(size) (\(megapixels(size.pixelCount)) MP); "
                                + "the limit is \(megapixels(limits.maxPixels)) MP")
        }
    }

    /// Turns a decoder's complaint into a truncated or corrupt image error.
    private func decodeFailure<T>(_ format: ImageFormat, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as LightboxError where error.code == .internal {
            let detail = error.message.replacingOccurrences(of: "libvips: ", with: "")
            let lowered = detail.lowercased()
            let truncated = ["truncat", "premature end", "unexpected end", "end of file", "eof", "not enough"]
                .contains { lowered.contains($0) }
            throw LightboxError(truncated ? .truncatedImage : .corruptImage,
                                "The \(format.rawValue.uppercased()) data is \(truncated ? "truncated" : "corrupt"): \(firstLine(detail))")
        }
    }
}

private func megabytes(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1_000_000) }
private func megapixels(_ pixels: Int) -> String { String(format: "%.1f", Double(pixels) / 1_000_000) }
private func firstLine(_ text: String) -> String { String(text.split(separator: "\n").first ?? "") }
private func leadingBytes(_ data: Data) -> String {
    data.prefix(8).map { String(format: "%02x", $0) }.joined(separator: " ")
}
