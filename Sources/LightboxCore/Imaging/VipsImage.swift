import CVips
import Foundation

/// An immutable libvips image. Operations build new images lazily; pixels are
/// computed when something reads them (`materialized()`, `pixels`, an encoder).
public final class VipsImage: @unchecked Sendable {
    // libvips images are immutable once built and safe to read from many threads.
    let pointer: OpaquePointer

    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit { lb_unref(pointer) }

    public var width: Int { Int(lb_width(pointer)) }
    public var height: Int { Int(lb_height(pointer)) }
    public var bands: Int { Int(lb_bands(pointer)) }
    public var size: PixelSize { PixelSize(width: width, height: height) }
    public var exifOrientation: Int { Int(lb_orientation(pointer)) }

    public func hasField(_ name: String) -> Bool { lb_has_field(pointer, name) != 0 }
    public var hasICCProfile: Bool { hasField("icc-profile-data") }
    /// 3-band 8-bit sRGB without a profile: nothing to convert.
    public var isPlainSRGB: Bool { lb_is_plain_srgb(pointer) != 0 }

    /// Runs one libvips call that produces an image.
    static func make(_ call: (UnsafeMutablePointer<OpaquePointer?>) -> Int32) throws -> VipsImage {
        try Vips.ensureStarted()
        var out: OpaquePointer?
        guard call(&out) == 0, let out else { throw Vips.lastError() }
        return VipsImage(taking: out)
    }

    func make(_ call: (OpaquePointer, UnsafeMutablePointer<OpaquePointer?>) -> Int32) throws -> VipsImage {
        try VipsImage.make { call(pointer, $0) }
    }
}

public struct PixelSize: Sendable, Equatable, Codable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    public var longSide: Int { max(width, height) }
    public var pixelCount: Int { width * height }
    public var description: String { "\(width)x\(height)" }
}

/// Process-wide libvips state and error text.
public enum Vips {
    private static let started: Bool = lb_init() == 0

    public static func ensureStarted() throws {
        guard started else { throw LightboxError(.internal, "libvips failed to start") }
    }

    /// libvips' own worker threads per image operation.
    public static func setConcurrency(_ threads: Int) {
        lb_set_concurrency(Int32(threads))
    }

    /// Takes libvips' accumulated error text as an internal error's detail: it is process-wide
    /// (it may name another image) and names files, so no client reads it.
    static func lastError() -> LightboxError {
        LightboxError(.internal, LightboxError.Code.internal.publicMessage, detail: "libvips: " + takeErrorText())
    }

    static func takeErrorText() -> String {
        guard let text = lb_error_take() else { return "unknown error" }
        defer { lb_free(text) }
        let message = String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
        return message.isEmpty ? "unknown error" : message
    }
}
