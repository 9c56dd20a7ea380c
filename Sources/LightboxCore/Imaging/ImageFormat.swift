import CVips
import Foundation

/// Input formats, recognised by their first bytes and never by a file name.
public enum ImageFormat: String, Sendable, Codable, CaseIterable {
    case jpeg, png, webp, heif, tiff

    public static func sniff(_ data: Data) -> ImageFormat? {
        let head = [UInt8](data.prefix(32))
        func matches(_ bytes: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + bytes.count && Array(head[offset..<offset + bytes.count]) == bytes
        }
        if matches([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if matches([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if matches(Array("RIFF".utf8)) && matches(Array("WEBP".utf8), at: 8) { return .webp }
        if matches([0x49, 0x49, 0x2A, 0x00]) || matches([0x4D, 0x4D, 0x00, 0x2A]) { return .tiff }
        if matches(Array("ftyp".utf8), at: 4), head.count >= 12,
           let brand = String(bytes: head[8..<12], encoding: .ascii), heifBrands.contains(brand) {
            return .heif
        }
        return nil
    }

    public var mediaType: String { "image/\(rawValue)" }

    static let heifBrands: Set<String> = ["heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1", "avif", "avis"]

    var loader: LbLoader {
        switch self {
        case .jpeg: LB_LOADER_JPEG
        case .png: LB_LOADER_PNG
        case .webp: LB_LOADER_WEBP
        case .heif: LB_LOADER_HEIF
        case .tiff: LB_LOADER_TIFF
        }
    }

    /// Whether the decoder can hand back a smaller image directly.
    var shrinksOnLoad: Bool { self == .jpeg || self == .webp }
}

extension VipsImage {
    /// Opens `bytes` with the loader for `format`: the header is read now, pixels on demand.
    /// The bytes must stay alive until the image is materialized.
    static func load(_ bytes: UnsafeRawBufferPointer, as format: ImageFormat, shrink: Int = 1) throws -> VipsImage {
        try make { lb_load(bytes.baseAddress, bytes.count, format.loader, Int32(shrink), $0) }
    }
}

extension VipsImage {
    /// Decodes any supported image fully into memory, with no limits or conversions:
    /// for reading back outputs and auxiliary images, not for untrusted input.
    public static func decode(_ data: Data) throws -> VipsImage {
        guard let format = ImageFormat.sniff(data) else {
            throw LightboxError(.unsupportedFormat, "Not a JPEG, PNG, WebP, HEIC/AVIF or TIFF image")
        }
        return try data.withUnsafeBytes { try load($0, as: format).materialized() }
    }
}
