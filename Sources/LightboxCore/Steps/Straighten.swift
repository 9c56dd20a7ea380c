import Foundation

/// Levels a product shot a few degrees off: when the matte's edges mostly run one way
/// within ±15° of vertical or horizontal, the product is turned onto that axis. Round
/// products have no such direction and are left as shot, as is a larger tilt (a pose).
public struct Straighten: PipelineStep {
    public let name = "straighten"

    /// The largest tilt that is taken for a slip of the camera rather than a pose.
    static let maxTilt = 15.0
    /// Tilts smaller than this are not worth a resample.
    static let minTilt = 0.3
    /// Below this share of edges in one direction there is no direction (a disc gives 0.05,
    /// a tapered mug 0.2, upright bottles and boxes 0.6–0.85).
    static let minStrength = 0.3
    /// Edges leaning the other way as much as this share of the peak's mean a tapered
    /// product (a mug, a cone), whose sides lean both ways while it stands straight.
    static let maxMirrored = 0.5

    public init() {}

    public func isEnabled(for options: ProcessOptions) -> Bool { options.straighten }

    public func run(_ context: inout PipelineContext) throws {
        let matte = try context.required(context.matte, "matte")
        let colour = try context.required(context.foreground, "foreground")
        guard let edges = try EdgeDirection(of: matte) else { return }
        guard edges.strength >= Self.minStrength else {
            context.notes.append("straighten: no clear edge direction (\(Int(edges.strength * 100))% of edges agree), left as shot")
            return
        }
        let tilt = edges.degrees
        guard abs(tilt) < 2 || edges.mirroredStrength < Self.maxMirrored * edges.strength else {
            context.notes.append("straighten: edges lean both ways by \(Self.format(abs(tilt)))° (a tapered shape), left as shot")
            return
        }
        guard abs(tilt) <= Self.maxTilt else {
            context.notes.append("straighten: \(Self.format(tilt))° off axis is more than ±\(Int(Self.maxTilt))°, left as shot")
            return
        }
        guard abs(tilt) >= Self.minTilt else { return }
        // Premultiplied, so that the new transparent corners lend no colour to the edge.
        let rotated = try colour.joined(with: matte).premultiplied().rotated(by: -tilt).unpremultiplied()
        context.foreground = try rotated.bands(0, count: 3).cast(.uchar).tagged(.srgb).materialized()
        context.matte = try rotated.bands(3).cast(.uchar).materialized()
        context.notes.append("straightened by \(Self.format(-tilt))°")
    }

    private static func format(_ value: Double) -> String { String(format: "%.1f", value) }
}

/// Which way a matte's edges run, folded onto a quarter turn, so that vertical sides and
/// horizontal tops and bottoms vote together. Straight-sided products (bottles, boxes, jars,
/// several upright products side by side) give a sharp peak; round ones spread their votes.
/// The principal axis of the whole silhouette is no use here: two products side by side, a
/// shoe or a box in perspective all have a diagonal one while standing straight.
struct EdgeDirection {
    /// The dominant edges' turn from the axes, in degrees within [−45, 45); positive is
    /// clockwise on screen.
    let degrees: Double
    /// The share of edge strength within ±2° of the peak: about 0.05 for a disc, 0.5–1 for a
    /// straight-sided product.
    let strength: Double
    /// The same share around the opposite angle, −`degrees`.
    let mirroredStrength: Double

    static let binsPerDegree = 2
    static let bins = 90 * binsPerDegree

    init?(of matte: VipsImage) throws {
        // A little blur turns the pixel staircase of a slanted edge into a smooth ramp.
        let smoothed = try matte.cast(.uchar).gaussianBlurred(sigma: 3).cast(.uchar)
        let width = smoothed.size.width, height = smoothed.size.height
        guard width > 2, height > 2 else { return nil }
        let values = try smoothed.pixels(as: UInt8.self)
        var histogram = [Double](repeating: 0, count: Self.bins)
        for y in 1..<height - 1 {
            for x in 1..<width - 1 {
                let above = (y - 1) * width + x, here = y * width + x, below = (y + 1) * width + x
                let p = { (index: Int) in Double(values[index]) }
                let gx = p(above + 1) + 2 * p(here + 1) + p(below + 1) - p(above - 1) - 2 * p(here - 1) - p(below - 1)
                let gy = p(below - 1) + 2 * p(below) + p(below + 1) - p(above - 1) - 2 * p(above) - p(above + 1)
                let magnitude = (gx * gx + gy * gy).squareRoot()
                // A full 0→255 step gives 1020; faint ripples do not vote.
                guard magnitude > 100 else { continue }
                var folded = (atan2(gy, gx) * 180 / .pi).truncatingRemainder(dividingBy: 90)
                if folded < -45 { folded += 90 } else if folded >= 45 { folded -= 90 }
                histogram[min(Self.bins - 1, Int((folded + 45) * Double(Self.binsPerDegree)))] += magnitude
            }
        }
        let total = histogram.reduce(0, +)
        guard total > 0 else { return nil }
        let reach = 2 * Self.binsPerDegree
        let window = { (centre: Int) in (-reach...reach).map { histogram[(centre + $0 + Self.bins) % Self.bins] } }
        let peak = (0..<Self.bins).max { window($0).reduce(0, +) < window($1).reduce(0, +) } ?? 0
        let around = window(peak)
        let mass = around.reduce(0, +)
        let offset = zip(-reach...reach, around).map { Double($0) * $1 }.reduce(0, +) / mass
        var centre = (Double(peak) + 0.5 + offset) / Double(Self.binsPerDegree) - 45
        if centre >= 45 { centre -= 90 } else if centre < -45 { centre += 90 }
        degrees = centre
        strength = mass / total
        let mirror = Int(((-centre + 45) * Double(Self.binsPerDegree)).rounded(.down))
        mirroredStrength = window((mirror % Self.bins + Self.bins) % Self.bins).reduce(0, +) / total
    }
}
