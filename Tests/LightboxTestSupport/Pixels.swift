import Foundation
import LightboxCore

/// An 8-bit image's pixels, for assertions a person would make by looking.
public struct Pixels: Sendable {
    public let width: Int
    public let height: Int
    public let bands: Int
    public let values: [UInt8]

    public init(_ image: VipsImage) throws {
        width = image.width
        height = image.height
        bands = image.bands
        values = try image.cast(.uchar).pixels(as: UInt8.self)
    }

    public init(decoding data: Data) throws {
        try self.init(VipsImage.decode(data))
    }

    public subscript(x: Int, y: Int, band: Int = 0) -> UInt8 {
        values[(y * width + x) * bands + band]
    }

    public func pixel(_ x: Int, _ y: Int) -> [Int] {
        (0..<bands).map { Int(self[x, y, $0]) }
    }

    /// Mean of `band` over a rectangle.
    public func mean(band: Int = 0, in rect: PixelRect) -> Double {
        var sum = 0
        for y in rect.y..<rect.y + rect.height {
            for x in rect.x..<rect.x + rect.width { sum += Int(self[x, y, band]) }
        }
        return Double(sum) / Double(max(1, rect.width * rect.height))
    }

    /// The tight box around pixels for which `isSet` holds, or nil.
    public func boundingBox(where isSet: (_ x: Int, _ y: Int) -> Bool) -> PixelRect? {
        var (left, top, right, bottom) = (width, height, -1, -1)
        for y in 0..<height {
            for x in 0..<width where isSet(x, y) {
                left = min(left, x); right = max(right, x)
                top = min(top, y); bottom = max(bottom, y)
            }
        }
        return right < 0 ? nil : PixelRect(x: left, y: top, width: right - left + 1, height: bottom - top + 1)
    }
}

/// Comparisons of one-band masks of equal size.
public enum MaskComparison {
    /// Intersection over union of `value >= threshold`.
    public static func iou(_ a: Pixels, _ b: Pixels, threshold: UInt8 = 128) -> Double {
        precondition(a.values.count == b.values.count, "masks differ in size")
        var intersection = 0, union = 0
        for index in a.values.indices {
            let inA = a.values[index] >= threshold, inB = b.values[index] >= threshold
            if inA && inB { intersection += 1 }
            if inA || inB { union += 1 }
        }
        return union == 0 ? 1 : Double(intersection) / Double(union)
    }

    /// Mean absolute difference in 0...1.
    public static func meanAbsoluteError(_ a: Pixels, _ b: Pixels) -> Double {
        precondition(a.values.count == b.values.count, "masks differ in size")
        let total = zip(a.values, b.values).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }
        return Double(total) / Double(a.values.count) / 255
    }
}

/// Writes images a test is about to fail on, so that a person can look at them.
public enum Inspection {
    @discardableResult
    public static func save(_ images: [String: VipsImage], label: String) -> String {
        guard let folder = try? Fixtures.scratchFolder("lightbox-inspect-\(label)") else { return "(not saved)" }
        for (name, image) in images {
            try? image.cast(.uchar).encoded(as: .png).write(to: folder.appendingPathComponent(name + ".png"))
        }
        return folder.path
    }
}
