import Foundation

/// Checks the input's size and type, reads the header, enforces the pixel limit,
/// then decodes once, shrinking on load toward the working resolution.
public struct Decode: PipelineStep {
    public let name = "decode"

    public init() {}

    public func run(_ context: inout PipelineContext) throws {
        let input = context.input, limits = context.options.limits
        let (format, size) = try Self.probe(input, limits: limits)
        context.sourceFormat = format
        let options = context.options
        let target = options.keepFullResolution ? nil
            : options.framing.frame == .canvas ? Self.workingLongSide(for: options.canvas)
            : Int((Double(size.longSide) * FramePhoto.scale(of: size, megapixels: options.framing.maxMegapixels)).rounded(.up))
        let image = try input.withUnsafeBytes { bytes -> VipsImage in
            let shrink = Self.shrinkFactor(for: size, format: format, target: target)
            let chosen = try Self.open(bytes, format, shrink: shrink)
            return try Self.decodeFailure(format) { try chosen.materialized() }
        }
        context.sourceSize = size
        context.image = image
    }

    /// The checks that need only the header: empty, over the byte limit, not an image
    /// type, damaged header, over the pixel limit. What an API runs before it queues a job.
    public static func probe(_ input: Data, limits: DecodeLimits) throws -> (format: ImageFormat, size: PixelSize) {
        guard !input.isEmpty else { throw LightboxError(.emptyInput, "The input is empty (0 bytes)") }
        guard input.count <= limits.maxInputBytes else {
            throw LightboxError(.inputTooLarge,
                                "The input is \(megabytes(input.count)) MB; the limit is \(megabytes(limits.maxInputBytes)) MB")
        }
        guard let format = ImageFormat.sniff(input) else {
            throw LightboxError(.unsupportedFormat,
                                "The input is not a JPEG, PNG, WebP, HEIC/AVIF or TIFF image (it starts with \(leadingBytes(input)))")
        }
        let size = try input.withUnsafeBytes { try open($0, format, shrink: 1).size }
        guard size.pixelCount <= limits.maxPixels else {
            throw LightboxError(.imageTooLarge, "The image is \(size) (\(megapixels(size.pixelCount)) MP); "
                                + "the limit is \(megapixels(limits.maxPixels)) MP")
        }
        return (format, size)
    }

    /// Twice the canvas: products that fill half the frame are still never upscaled.
    static func workingLongSide(for canvas: PixelSize) -> Int { 2 * canvas.longSide }

    /// The largest power-of-two shrink that keeps the long side at or above `target`.
    static func shrinkFactor(for size: PixelSize, format: ImageFormat, target: Int?) -> Int {
        guard let target, format.shrinksOnLoad else { return 1 }
        return [8, 4, 2].first { size.longSide / $0 >= target } ?? 1
    }

    private static func open(_ bytes: UnsafeRawBufferPointer, _ format: ImageFormat, shrink: Int) throws -> VipsImage {
        try decodeFailure(format) { try VipsImage.load(bytes, as: format, shrink: shrink) }
    }

    /// Turns a decoder's complaint into a truncated or corrupt image error.
    private static func decodeFailure<T>(_ format: ImageFormat, _ body: () throws -> T) throws -> T {
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
