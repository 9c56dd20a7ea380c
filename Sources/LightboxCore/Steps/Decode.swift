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
            return try Self.decodeFailure(format, bytes: bytes) { try chosen.materialized() }
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
        try decodeFailure(format, bytes: bytes) { try VipsImage.load(bytes, as: format, shrink: shrink) }
    }

    /// Turns a decoder's complaint into a truncated or corrupt image error, told apart by the
    /// bytes themselves: libvips' error text is process-wide, so with several workers it may
    /// be another image's. Its text goes in the detail, for the log.
    private static func decodeFailure<T>(_ format: ImageFormat, bytes: UnsafeRawBufferPointer, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as LightboxError where error.code == .internal {
            let truncated = isTruncated(bytes, format: format)
            throw LightboxError(truncated ? .truncatedImage : .corruptImage,
                                "The \(format.rawValue.uppercased()) data is "
                                    + (truncated ? "truncated: the file ends before the image does" : "corrupt"),
                                detail: error.detail)
        }
    }

    /// Whether the file stops short of its own structure: a JPEG with no end-of-image marker
    /// after its last scan, a PNG with no IEND chunk, a RIFF (WebP) or an ISO box (HEIF/AVIF)
    /// larger than the bytes there are. TIFF keeps its data anywhere: never judged truncated.
    static func isTruncated(_ bytes: UnsafeRawBufferPointer, format: ImageFormat) -> Bool {
        let count = bytes.count
        switch format {
        case .jpeg:
            var lastScan = -1, lastEnd = -1
            for index in 0..<max(0, count - 1) where bytes[index] == 0xFF {
                if bytes[index + 1] == 0xDA { lastScan = index }
                if bytes[index + 1] == 0xD9 { lastEnd = index }
            }
            return lastEnd < lastScan || lastEnd < 0
        case .png:
            let tail = Data(bytes[max(0, count - 64)..<count])
            return tail.range(of: Data("IEND".utf8)) == nil
        case .webp:
            guard count >= 12 else { return true }
            let riff = Int(bytes[4]) | Int(bytes[5]) << 8 | Int(bytes[6]) << 16 | Int(bytes[7]) << 24
            return riff + 8 > count
        case .heif:
            var offset = 0
            while offset + 8 <= count {
                var size = Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
                if size == 1, offset + 16 <= count {
                    size = (8..<16).reduce(0) { $0 << 8 | Int(bytes[offset + $1]) }
                } else if size == 0 {
                    return false
                }
                guard size >= 8 else { return false }
                if offset + size > count { return true }
                offset += size
            }
            return offset < count
        case .tiff:
            return false
        }
    }
}

private func megabytes(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1_000_000) }
private func megapixels(_ pixels: Int) -> String { String(format: "%.1f", Double(pixels) / 1_000_000) }
private func leadingBytes(_ data: Data) -> String {
    data.prefix(8).map { String(format: "%02x", $0) }.joined(separator: " ")
}
