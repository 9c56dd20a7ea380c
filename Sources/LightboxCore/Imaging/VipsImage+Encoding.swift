import CVips
import Foundation

/// Encoders. Every one strips EXIF, XMP, IPTC and ICC data; outputs are untagged sRGB.
extension VipsImage {
    public func encoded(as format: OutputFormat, quality: EncodeQuality = EncodeQuality()) throws -> Data {
        var buffer: UnsafeMutableRawPointer?
        var length = 0
        let status: Int32 = switch format {
        case .jpeg: lb_save_jpeg(pointer, &buffer, &length, Int32(quality.jpeg), quality.jpegProgressive ? 1 : 0)
        case .webp: lb_save_webp(pointer, &buffer, &length, Int32(quality.webp), Int32(quality.webpEffort))
        case .avif: lb_save_avif(pointer, &buffer, &length, Int32(quality.avif), Int32(quality.avifEffort))
        case .png: lb_save_png(pointer, &buffer, &length, 6)
        }
        guard status == 0, let buffer else {
            throw LightboxError(.outputFailed, "Encoding \(format.rawValue) failed: \(Vips.takeErrorText())")
        }
        defer { lb_free(buffer) }
        return Data(bytes: buffer, count: length)
    }
}
