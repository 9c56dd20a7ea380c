import CVips
import Foundation

public enum BandFormat: Int32, Sendable {
    case uchar = 0, ushort = 2, int = 5, float = 6, double = 8

    var lb: LbFormat { LbFormat(rawValue: UInt32(rawValue)) }
    var byteWidth: Int {
        switch self {
        case .uchar: 1
        case .ushort: 2
        case .int, .float: 4
        case .double: 8
        }
    }
}

public enum Interpretation: Int32, Sendable {
    case multiband = 0, grey = 1, srgb = 2
}

public enum Relation: Sendable {
    case equal, less, more, atLeast

    var lb: LbRelation {
        switch self {
        case .equal: LB_EQUAL
        case .less: LB_LESS
        case .more: LB_MORE
        case .atLeast: LB_MOREEQ
        }
    }
}

public enum ResampleKernel: Sendable {
    /// Lanczos-3: sharp, for pixels people look at.
    case lanczos
    /// Catmull-Rom: as sharp as Lanczos-3 for scales near 1, with two thirds of the taps.
    case cubic
    /// Triangle: cheaper, for statistics and smooth layers.
    case linear

    var lb: LbKernel {
        switch self {
        case .lanczos: LB_KERNEL_LANCZOS3
        case .cubic: LB_KERNEL_CUBIC
        case .linear: LB_KERNEL_LINEAR
        }
    }
}

/// How pixels outside an image are filled when it is embedded in a larger one.
public enum EdgeFill: Sendable {
    case constant([Double])
    case copyEdge
}

/// Memory, conversion and geometry.
extension VipsImage {
    /// Computes every pixel once into memory, so later readers do not recompute the graph.
    public func materialized() throws -> VipsImage { try make { lb_copy_memory($0, $1) } }

    public static func fromPixels<T>(_ values: [T], size: PixelSize, bands: Int, format: BandFormat) throws -> VipsImage {
        precondition(values.count == size.pixelCount * bands && MemoryLayout<T>.stride == format.byteWidth)
        return try values.withUnsafeBytes { raw in
            try VipsImage.make {
                lb_new_from_memory(raw.baseAddress, raw.count, Int32(size.width), Int32(size.height),
                                   Int32(bands), format.lb, $0)
            }
        }
    }

    /// All pixels, band-interleaved, as `T` (which must match the image's format).
    public func pixels<T>(as _: T.Type) throws -> [T] {
        var length = 0
        guard let memory = lb_write_to_memory(pointer, &length) else { throw Vips.lastError() }
        defer { lb_free(memory) }
        let count = length / MemoryLayout<T>.stride
        return Array(UnsafeBufferPointer(start: memory.bindMemory(to: T.self, capacity: count), count: count))
    }

    public func autorotated() throws -> VipsImage { try make { lb_autorot($0, $1) } }

    public func toSRGB(usingEmbeddedProfile: Bool) throws -> VipsImage {
        try make { lb_to_srgb($0, $1, usingEmbeddedProfile ? 1 : 0) }
    }

    public func tagged(_ interpretation: Interpretation) throws -> VipsImage {
        try make { lb_tag($0, $1, interpretation.rawValue) }
    }

    public func cast(_ format: BandFormat) throws -> VipsImage { try make { lb_cast($0, $1, format.lb) } }

    /// Antialiased resize by independent horizontal and vertical factors.
    public func resized(horizontal: Double, vertical: Double, kernel: ResampleKernel = .lanczos) throws -> VipsImage {
        try make { lb_resize($0, $1, horizontal, vertical, kernel.lb) }
    }

    /// Bilinear resampling to exactly `size`, pixel centres aligned.
    public func scaledBilinear(to size: PixelSize) throws -> VipsImage {
        try scaledBilinear(window: (0, 0, Double(width), Double(height)), to: size)
    }

    /// Bilinear resampling of `window` (in this image's pixels, fractions allowed) to exactly `size`.
    public func scaledBilinear(window: (x: Double, y: Double, width: Double, height: Double),
                               to size: PixelSize) throws -> VipsImage {
        let sx = Double(size.width) / window.width, sy = Double(size.height) / window.height
        return try make {
            lb_affine_scale($0, $1, sx, sy, sx * (0.5 - window.x) - 0.5, sy * (0.5 - window.y) - 0.5,
                            Int32(size.width), Int32(size.height))
        }
    }

    /// Turned by `degrees` about the centre (positive is clockwise on screen), on a canvas
    /// grown to hold it; uncovered pixels are 0.
    public func rotated(by degrees: Double) throws -> VipsImage { try make { lb_rotate($0, $1, degrees) } }

    /// Antialiased resampling to exactly `size`.
    public func resampled(to size: PixelSize, kernel: ResampleKernel = .lanczos) throws -> VipsImage {
        let scaled = try resized(horizontal: Double(size.width) / Double(width),
                                 vertical: Double(size.height) / Double(height), kernel: kernel)
        if scaled.size == size { return scaled }
        // libvips rounds the output size; fix a one-pixel difference by edge copy.
        return try scaled.embedded(in: size, at: (0, 0), fill: .copyEdge)
    }

    /// This image with `image` pasted at `origin`.
    public func inserting(_ image: VipsImage, at origin: (x: Int, y: Int)) throws -> VipsImage {
        try make { lb_insert($0, image.pointer, $1, Int32(origin.x), Int32(origin.y)) }
    }

    /// Averages `factor`×`factor` blocks: the cheapest way down, for statistics.
    public func shrunk(by factor: Int) throws -> VipsImage { try make { lb_shrink($0, $1, Int32(factor)) } }

    /// Repeats each pixel `factor`×`factor` times: the cheapest way back up, for smooth layers.
    public func zoomed(by factor: Int) throws -> VipsImage { try make { lb_zoom($0, $1, Int32(factor)) } }

    public func cropped(to rect: PixelRect) throws -> VipsImage {
        try make { lb_crop($0, $1, Int32(rect.x), Int32(rect.y), Int32(rect.width), Int32(rect.height)) }
    }

    public func embedded(in canvas: PixelSize, at origin: (x: Int, y: Int), fill: EdgeFill = .constant([0])) throws -> VipsImage {
        let (extend, colour): (LbExtend, [Double]) = switch fill {
        case .constant(let colour): (LB_EXTEND_BACKGROUND, colour)
        case .copyEdge: (LB_EXTEND_COPY, [0])
        }
        return try make {
            lb_embed($0, $1, Int32(origin.x), Int32(origin.y), Int32(canvas.width), Int32(canvas.height),
                     extend, colour, Int32(colour.count))
        }
    }
}

/// Bands and arithmetic.
extension VipsImage {
    public func bands(_ first: Int, count: Int = 1) throws -> VipsImage {
        try make { lb_extract_bands($0, $1, Int32(first), Int32(count)) }
    }

    public func joined(with other: VipsImage) throws -> VipsImage {
        try make { lb_bandjoin($0, other.pointer, $1) }
    }

    public func joined(constants: [Double]) throws -> VipsImage {
        try make { lb_bandjoin_const($0, $1, constants, Int32(constants.count)) }
    }

    /// `self * a + b`, per band when given one constant per band.
    public func linear(_ a: [Double], _ b: [Double], uchar: Bool = false) throws -> VipsImage {
        precondition(a.count == b.count)
        return try make { lb_linear($0, $1, a, b, Int32(a.count), uchar ? 1 : 0) }
    }

    public func linear(_ a: Double, _ b: Double, uchar: Bool = false) throws -> VipsImage {
        try linear([a], [b], uchar: uchar)
    }

    public static func + (lhs: VipsImage, rhs: VipsImage) throws -> VipsImage { try lhs.make { lb_add($0, rhs.pointer, $1) } }
    public static func - (lhs: VipsImage, rhs: VipsImage) throws -> VipsImage { try lhs.make { lb_subtract($0, rhs.pointer, $1) } }
    public static func * (lhs: VipsImage, rhs: VipsImage) throws -> VipsImage { try lhs.make { lb_multiply($0, rhs.pointer, $1) } }
    public static func / (lhs: VipsImage, rhs: VipsImage) throws -> VipsImage { try lhs.make { lb_divide($0, rhs.pointer, $1) } }

    public func squareRoot() throws -> VipsImage { try make { lb_sqrt($0, $1) } }
    public func bandMean() throws -> VipsImage { try make { lb_bandmean($0, $1) } }

    /// 255 where the relation holds, else 0.
    public func compared(_ relation: Relation, _ value: Double) throws -> VipsImage {
        try make { lb_relational_const($0, $1, relation.lb, value) }
    }

    /// Per pixel: `then` where self is non-zero, else `otherwise`.
    public func choose(_ then: VipsImage, else otherwise: VipsImage) throws -> VipsImage {
        try make { lb_ifthenelse($0, then.pointer, otherwise.pointer, $1) }
    }

    /// Alpha blending with self as 8-bit alpha: `over` where 255, `under` where 0.
    public func blend(_ over: VipsImage, over under: VipsImage) throws -> VipsImage {
        try make { lb_blend($0, over.pointer, under.pointer, $1) }
    }

    public func minimum() throws -> Double { try statistic(lb_min) }
    public func maximum() throws -> Double { try statistic(lb_max) }
    public func average() throws -> Double { try statistic(lb_avg) }

    private func statistic(_ call: (OpaquePointer, UnsafeMutablePointer<Double>) -> Int32) throws -> Double {
        var value = 0.0
        guard call(pointer, &value) == 0 else { throw Vips.lastError() }
        return value
    }
}

/// Neighbourhood operations, creation and compositing.
extension VipsImage {
    /// Mean over a (2r+1)² square, in float.
    public func boxFiltered(radius: Int) throws -> VipsImage { try make { lb_box_filter($0, $1, Int32(radius)) } }
    public func gaussianBlurred(sigma: Double) throws -> VipsImage { try make { lb_gaussblur($0, $1, sigma) } }

    /// Labels connected regions of equal value; returns the int label image and the count.
    public func labelledRegions() throws -> (labels: VipsImage, count: Int) {
        var count: Int32 = 0
        let labels = try make { lb_label_regions($0, $1, &count) }
        return (labels, Int(count))
    }

    /// Per-column and per-row sums.
    public func projections() throws -> (columns: [Double], rows: [Double]) {
        var columns: OpaquePointer?, rows: OpaquePointer?
        guard lb_project(pointer, &columns, &rows) == 0, let columns, let rows else { throw Vips.lastError() }
        let columnImage = VipsImage(taking: columns), rowImage = VipsImage(taking: rows)
        return (try columnImage.cast(.double).pixels(as: Double.self), try rowImage.cast(.double).pixels(as: Double.self))
    }

    public static func black(_ size: PixelSize, bands: Int = 1) throws -> VipsImage {
        try make { lb_black($0, Int32(size.width), Int32(size.height), Int32(bands)) }
    }

    /// Two bands: x and y of each pixel.
    public static func coordinates(_ size: PixelSize) throws -> VipsImage {
        try make { lb_xyz($0, Int32(size.width), Int32(size.height)) }
    }

    /// A one-band coverage mask of rendered text.
    public static func text(_ text: String, font: String, dpi: Int = 72) throws -> VipsImage {
        try make { lb_text($0, text, font, Int32(dpi)) }
    }

    /// A solid 8-bit image of `colour` (one value per band), as cheap to read as a memset.
    public static func solid(_ size: PixelSize, colour: [Double]) throws -> VipsImage {
        let like = try black(size, bands: colour.count).cast(.uchar)
        return try like.make { lb_constant($0, $1, colour, Int32(colour.count)) }
    }

    public func composited(over base: VipsImage, at origin: (x: Int, y: Int)) throws -> VipsImage {
        try base.make { lb_composite_over($0, pointer, $1, Int32(origin.x), Int32(origin.y)) }
    }

    public func premultiplied() throws -> VipsImage { try make { lb_premultiply($0, $1) } }
    public func unpremultiplied() throws -> VipsImage { try make { lb_unpremultiply($0, $1) } }
}

public struct PixelRect: Sendable, Equatable, Codable {
    public var x: Int, y: Int, width: Int, height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }

    public var size: PixelSize { PixelSize(width: width, height: height) }
}
