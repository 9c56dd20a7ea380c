import Crypto
import Foundation

/// A person's fixes to one photo's cutout: points on the upright photo (fractions of its
/// width and height) that say "this is background" or "this is product". Each grows over
/// the pixels of its colour that it reaches, so one click takes a whole cloth away.
public struct MatteHints: Sendable, Equatable, CustomStringConvertible {
    public enum Action: String, Sendable, CaseIterable {
        case remove, keep
    }

    public struct Point: Sendable, Equatable {
        public let action: Action
        public let x: Double
        public let y: Double

        public init(_ action: Action, x: Double, y: Double) {
            self.action = action
            self.x = x
            self.y = y
        }
    }

    public let points: [Point]
    static let maxPoints = 50

    /// What hints are kept under: the photo's SHA-256, so that every render of the same bytes,
    /// from any adapter, finds them.
    public static func key(for photo: Data) -> String { SHA256.hash(data: photo).hex }

    public init(_ points: [Point]) {
        self.points = points
    }

    /// "remove:0.43,0.48;keep:0.5,0.6": up to 50 points, each coordinate from 0 to 1.
    public init?(parsing text: String) {
        var points: [Point] = []
        for item in text.split(separator: ";") {
            let parts = item.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let action = Action(rawValue: parts[0].trimmingCharacters(in: .whitespaces).lowercased())
            else { return nil }
            let numbers = parts[1].split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard numbers.count == 2, numbers.allSatisfy({ (0...1).contains($0) }) else { return nil }
            points.append(Point(action, x: numbers[0], y: numbers[1]))
        }
        guard (1...Self.maxPoints).contains(points.count) else { return nil }
        self.points = points
    }

    public var description: String {
        points.map { "\($0.action.rawValue):\(OptionSpec<Double>.format($0.x)),\(OptionSpec<Double>.format($0.y))" }
            .joined(separator: ";")
    }

    /// The model's mask with each point's region set: grown from the point over neighbours
    /// of a close colour (within `step` of the pixel they touch, and `spread` of the point's
    /// own), so that it follows shading but stops at the image's edges. A removal grows only
    /// where the model sees something, and also over its point's hue (`SameHue`), because the
    /// folds of a cloth or a bag change its colour more than the edge between it and the product.
    func apply(to mask: [Float], colours: [UInt8], size: PixelSize, step: Double = 24, spread: Double = 80) -> [Float] {
        var mask = mask
        let (width, height) = (size.width, size.height)
        let lab = points.contains { $0.action == .remove } ? CIELab.of(colours) : []
        func distance(_ a: Int, _ b: Int) -> Double {
            (0..<3).reduce(0.0) { sum, band in
                let delta = Double(colours[a * 3 + band]) - Double(colours[b * 3 + band])
                return sum + delta * delta
            }.squareRoot()
        }
        for point in points {
            let seedX = min(width - 1, Int(point.x * Double(width))), seedY = min(height - 1, Int(point.y * Double(height)))
            let seed = seedY * width + seedX
            let sameHue = point.action == .remove ? SameHue(as: lab[seed]) : nil
            // A removal stays where the model sees anything at all: the background is already gone.
            func similar(_ next: Int, to current: Int) -> Bool {
                guard point.action == .keep || mask[next] > 0.02 else { return false }
                return distance(next, current) <= step && distance(next, seed) <= spread
                    || sameHue?.matches(lab[next]) == true
            }
            var region = [Bool](repeating: false, count: width * height)
            var stack = [seed]
            region[seed] = true
            while let index = stack.popLast() {
                let (x, y) = (index % width, index / width)
                for (dx, dy) in [(1, 0), (-1, 0), (0, 1), (0, -1)] {
                    let (nx, ny) = (x + dx, y + dy)
                    guard nx >= 0, ny >= 0, nx < width, ny < height else { continue }
                    let next = ny * width + nx
                    if !region[next], similar(next, to: index) {
                        region[next] = true
                        stack.append(next)
                    }
                }
            }
            // A removal takes one pixel more, so that the refined matte keeps none of its fringe.
            let value: Float = point.action == .keep ? 1 : 0
            for index in region.indices
            where region[index] || (point.action == .remove && Self.touches(region, index, width, height)) {
                mask[index] = value
            }
        }
        return mask
    }

    /// Colours of one hue under any shading: a clear colour's hue in Lab stays put from its
    /// shadows to its highlights, where its RGB moves by a hundred. Greys have no hue to follow.
    struct SameHue {
        static let minimumChroma: Float = 15
        static let chromaShare: Float = 0.4
        static let cosineOfTolerance = Float(cos(20 * Double.pi / 180))

        let direction: SIMD2<Float>
        let chroma: Float

        init?(as colour: SIMD3<Float>) {
            let (ab, chroma) = Self.chromatic(colour)
            guard chroma >= Self.minimumChroma else { return nil }
            (self.chroma, direction) = (chroma, ab / chroma)
        }

        func matches(_ colour: SIMD3<Float>) -> Bool {
            let (ab, other) = Self.chromatic(colour)
            return other >= chroma * Self.chromaShare && (ab * direction).sum() >= other * Self.cosineOfTolerance
        }

        /// A Lab colour's (a, b) and its length, the chroma.
        private static func chromatic(_ colour: SIMD3<Float>) -> (ab: SIMD2<Float>, chroma: Float) {
            let ab = SIMD2(colour.y, colour.z)
            return (ab, (ab * ab).sum().squareRoot())
        }
    }

    private static func touches(_ region: [Bool], _ index: Int, _ width: Int, _ height: Int) -> Bool {
        let (x, y) = (index % width, index / width)
        return (x > 0 && region[index - 1]) || (x < width - 1 && region[index + 1])
            || (y > 0 && region[index - width]) || (y < height - 1 && region[index + width])
    }
}
