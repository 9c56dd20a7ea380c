import Crypto
import Foundation

/// Encodes the canvas in every requested format, with no metadata, named by content:
/// all its bands, the product's matte alone, or the colour bands and the matte as a PNG.
/// A generated image carries one thing: the XMP label that says so.
public struct Encode: PipelineStep {
    public let name = "encode"

    public init() {}

    public func run(_ context: inout PipelineContext) throws {
        let canvas = try context.required(context.canvas, "canvas")
        let options = context.options
        let label = options.generatedBy.map(GeneratedImageLabel.xmp(model:))
        let encode = { (image: VipsImage) in
            try options.formats.map { try EncodedImage(encoding: image, as: $0, quality: options.quality, xmp: label) }
        }
        switch options.channels {
        case .rgba: context.outputs = try encode(canvas)
        case .alpha: context.outputs = try encode(try Self.matte(of: context))
        case .split:
            context.outputs = try encode(try canvas.bands(0, count: 3))
                + [try EncodedImage(encoding: try Self.matte(of: context), as: .png, quality: options.quality, xmp: label)]
        }
    }

    /// The placed product's alpha on a black canvas: what was cut out, without its shadow.
    static func matte(of context: PipelineContext) throws -> VipsImage {
        let canvas = try context.required(context.canvas, "canvas")
        let product = try context.required(context.product, "placed product")
        return try VipsImage.solid(canvas.size, colour: [0])
            .inserting(product.image.bands(3), at: (product.frame.x, product.frame.y)).tagged(.grey).materialized()
    }
}

public enum OutputFormat: String, Sendable, CaseIterable, Codable {
    case jpeg, webp, avif, png

    public var fileExtension: String { rawValue == "jpeg" ? "jpg" : rawValue }

    public var mediaType: String { "image/\(rawValue)" }

    /// "jpeg,webp" → [.jpeg, .webp]; duplicates collapse, order is kept.
    static func parseList(_ text: String) -> [OutputFormat]? {
        var formats: [OutputFormat] = []
        for name in text.lowercased().split(separator: ",") {
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard let format = OutputFormat(rawValue: trimmed == "jpg" ? "jpeg" : trimmed) else { return nil }
            if !formats.contains(format) { formats.append(format) }
        }
        return formats.isEmpty ? nil : formats
    }
}

/// One encoded file: its bytes and the content-derived name it is stored under.
public struct EncodedImage: Sendable {
    public let format: OutputFormat
    public let data: Data
    public let size: PixelSize
    /// Hex SHA-256 of `data`.
    public let contentHash: String

    public init(format: OutputFormat, data: Data, size: PixelSize) {
        self.format = format
        self.data = data
        self.size = size
        contentHash = SHA256.hash(data: data).hex
    }

    init(encoding image: VipsImage, as format: OutputFormat, quality: EncodeQuality, xmp: Data? = nil) throws {
        var data = try image.encoded(as: format, quality: quality, xmp: xmp)
        if format == .webp { data = WebPContainer.removingMetadata(from: data, keepingXMP: xmp != nil) }
        if format == .png, let xmp { data = PNGContainer.addingXMP(xmp, to: data) }
        self.init(format: format, data: data, size: image.size)
    }

    /// `<first 32 hex digits of the SHA-256>.<ext>`: same bytes, same name.
    public var fileName: String { "\(contentHash.prefix(32)).\(format.fileExtension)" }
}
