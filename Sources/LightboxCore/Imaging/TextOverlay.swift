import CSegnet
import Foundation

/// Text laid over a photo's background: a stock agency's watermark, a shop's URL, a price
/// sticker. Found as rows of letter-like stable regions (MSER) outside the product's box;
/// text inside the box is the product's own label and stays allowed.
public struct TextOverlay: Sendable, Equatable, Codable {
    /// Each row of letters, in the photo's upright pixels.
    public var lines: [PixelRect]
    public var letters: Int

    public var summary: String {
        "\(lines.count) line\(lines.count == 1 ? "" : "s") of text (\(letters) letter-like marks) over the background"
    }
}

public struct TextOverlayFinder: Sendable {
    /// The photo is searched at this long side: letters of a visible watermark stay 8 px or more.
    public var longSide = 1024
    /// Marks this many times taller than the photo are not letters.
    public var tallestLetter = 0.12
    /// A row needs this many letters; two rows of three also count.
    public var lettersInALine = 5

    public init() {}

    /// The overlay on `image`, or nil; `product` is the product's mask (any size, 0...1).
    public func find(in image: VipsImage, product: VipsImage?) throws -> TextOverlay? {
        let scale = min(1, Double(longSide) / Double(image.size.longSide))
        let small = scale < 1
            ? try image.resampled(to: PixelSize(width: max(1, Int(Double(image.size.width) * scale)),
                                                height: max(1, Int(Double(image.size.height) * scale))))
            : image
        let grey = try Self.grey(small)
        let marks = try Self.stableRegions(grey, size: small.size, maxArea: small.size.pixelCount / 50)
        let onProduct = try product.map { try ProductMask($0, over: small.size) }
        let letters = Self.deduplicated(marks.filter { isLetterLike($0, in: small.size) }.map(\.box)).filter { mark in
            !(onProduct?.covers(x: mark.x + mark.width / 2, y: mark.y + mark.height / 2) ?? false)
        }
        let rows = Self.rows(of: letters).filter { $0.count >= 3 }
        guard rows.contains(where: { $0.count >= lettersInALine }) || rows.count >= 2 else { return nil }
        let back = 1 / scale
        return TextOverlay(lines: rows.map { row in
            let box = row.dropFirst().reduce(row[0]) { $0.union($1) }
            return PixelRect(x: Int(Double(box.x) * back), y: Int(Double(box.y) * back),
                             width: Int((Double(box.width) * back).rounded(.up)), height: Int((Double(box.height) * back).rounded(.up)))
        }, letters: rows.reduce(0) { $0 + $1.count })
    }

    /// A letter's box is not too flat or tall, and its strokes fill part of it, not all
    /// (a tile or a brick fills its box).
    func isLetterLike(_ mark: StableRegion, in size: PixelSize) -> Bool {
        let box = mark.box
        let aspect = Double(box.width) / Double(box.height)
        let fill = Double(mark.pixels) / Double(box.width * box.height)
        return box.height >= 8 && Double(box.height) <= tallestLetter * Double(size.height)
            && (0.15...1.6).contains(aspect) && box.width >= 2 && (0.12...0.8).contains(fill)
    }

    struct StableRegion {
        let box: PixelRect
        let pixels: Int
    }

    /// The product's mask at the search's size, widened a little, so that its edge is not background.
    struct ProductMask {
        let size: PixelSize
        let values: [Float]

        init(_ mask: VipsImage, over size: PixelSize) throws {
            self.size = mask.size
            values = try mask.cast(.float).pixels(as: Float.self)
            scale = (Double(mask.size.width) / Double(size.width), Double(mask.size.height) / Double(size.height))
        }

        private let scale: (x: Double, y: Double)

        func covers(x: Int, y: Int) -> Bool {
            let cx = Int(Double(x) * scale.x), cy = Int(Double(y) * scale.y), reach = 2
            for my in max(0, cy - reach)...min(size.height - 1, cy + reach) {
                for mx in max(0, cx - reach)...min(size.width - 1, cx + reach) where values[my * size.width + mx] > 0.5 {
                    return true
                }
            }
            return false
        }
    }

    /// Marks chained into rows: neighbours of like height, centred on one line, a letter's gap apart.
    static func rows(of marks: [PixelRect]) -> [[PixelRect]] {
        let sorted = marks.sorted { $0.x < $1.x }
        var parent = Array(sorted.indices)
        func root(_ index: Int) -> Int {
            var index = index
            while parent[index] != index { parent[index] = parent[parent[index]]; index = parent[index] }
            return index
        }
        for (left, a) in sorted.enumerated() {
            for right in sorted.indices.dropFirst(left + 1) {
                let b = sorted[right]
                let height = Double(max(a.height, b.height))
                if Double(b.x - (a.x + a.width)) > 1.2 * height { break }
                let centres = abs(Double(a.y * 2 + a.height) - Double(b.y * 2 + b.height)) / 2
                let likeHeight = height / Double(min(a.height, b.height)) <= 1.6
                let overlap = Double(a.x + a.width - b.x)
                if likeHeight, centres <= 0.35 * height, overlap <= 0.3 * height { parent[root(right)] = root(left) }
            }
        }
        return Dictionary(grouping: sorted.indices) { root($0) }.values.map { $0.map { sorted[$0] } }
    }

    /// MSER finds a letter several times over (nested thresholds): one box per place.
    static func deduplicated(_ marks: [PixelRect]) -> [PixelRect] {
        var kept: [PixelRect] = []
        for mark in marks.sorted(by: { $0.width * $0.height > $1.width * $1.height }) {
            let centreX = mark.x + mark.width / 2, centreY = mark.y + mark.height / 2
            if !kept.contains(where: { $0.contains(x: centreX, y: centreY) && $0.height <= mark.height * 2 }) { kept.append(mark) }
        }
        return kept
    }

    static func grey(_ image: VipsImage) throws -> [UInt8] {
        let pixels = try ByteImage(image)
        guard pixels.bands >= 3 else { return pixels.values }
        return (0..<image.size.pixelCount).map { index in
            let base = index * pixels.bands
            let sum = 299 * Int(pixels.values[base]) + 587 * Int(pixels.values[base + 1]) + 114 * Int(pixels.values[base + 2])
            return UInt8(sum / 1000)
        }
    }

    static func stableRegions(_ grey: [UInt8], size: PixelSize, maxArea: Int) throws -> [StableRegion] {
        var capacity = 20_000
        while true {
            var boxes = [Int32](repeating: 0, count: capacity * 5)
            var error: UnsafeMutablePointer<CChar>?
            let found = Int(lb_stable_regions(grey, Int32(size.width), Int32(size.height), 20, Int32(max(60, maxArea)),
                                              &boxes, Int32(capacity), &error))
            if found < 0 {
                defer { lb_segnet_free_error(error) }
                throw LightboxError(.internal, "MSER failed: \(error.map { String(cString: $0) } ?? "?")")
            }
            if found > capacity { capacity = found; continue }
            return (0..<found).map {
                let box = boxes[(5 * $0)..<(5 * $0 + 5)].map(Int.init)
                return StableRegion(box: PixelRect(x: box[0], y: box[1], width: box[2], height: box[3]), pixels: box[4])
            }
        }
    }
}

extension PixelRect {
    func contains(x px: Int, y py: Int) -> Bool { px >= x && px < x + width && py >= y && py < y + height }

    func union(_ other: PixelRect) -> PixelRect {
        let left = min(x, other.x), top = min(y, other.y)
        return PixelRect(x: left, y: top, width: max(x + width, other.x + other.width) - left,
                         height: max(y + height, other.y + other.height) - top)
    }
}
