import CVips
import Foundation

/// Encoders. Every one strips EXIF, XMP, IPTC and ICC data; outputs are untagged sRGB.
/// The one exception is an XMP packet asked for (a generated image's disclosure label).
extension VipsImage {
    public func encoded(as format: OutputFormat, quality: EncodeQuality = EncodeQuality(), xmp: Data? = nil) throws -> Data {
        let source = try xmp.map { packet in
            try packet.withUnsafeBytes { raw in try make { lb_with_xmp_only($0, $1, raw.baseAddress, raw.count) } }
        } ?? self
        let keep: Int32 = xmp == nil ? 0 : 1
        var buffer: UnsafeMutableRawPointer?
        var length = 0
        let status: Int32 = switch format {
        case .jpeg: lb_save_jpeg(source.pointer, &buffer, &length, Int32(quality.jpeg), quality.jpegProgressive ? 1 : 0, keep)
        case .webp: lb_save_webp(source.pointer, &buffer, &length, Int32(quality.webp), Int32(quality.webpEffort), keep)
        case .avif: lb_save_avif(source.pointer, &buffer, &length, Int32(quality.avif), Int32(quality.avifEffort), keep)
        case .png: lb_save_png(source.pointer, &buffer, &length, 6, keep)
        }
        guard status == 0, let buffer else {
            throw LightboxError(.outputFailed, "Encoding \(format.rawValue) failed", detail: Vips.takeErrorText())
        }
        defer { lb_free(buffer) }
        return Data(bytes: buffer, count: length)
    }
}
