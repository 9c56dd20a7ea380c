import Foundation

/// Levels a product shot a few degrees off: the principal axis of the matte, when it is
/// within ±15° of vertical or horizontal, is turned onto that axis. Round and square
/// products have no principal axis (their spread is the same every way), so they are
/// left as shot.
public struct Straighten: PipelineStep {
    public let name = "straighten"

    /// The largest tilt that is taken for a slip of the camera rather than a pose.
    static let maxTilt = 15.0
    /// Tilts smaller than this are not worth a resample.
    static let minTilt = 0.3
    /// The long axis's spread must be this many times the short one's to mean anything.
    static let minElongation = 1.2

    public init() {}

    public func isEnabled(for options: ProcessOptions) -> Bool { options.straighten }

    public func run(_ context: inout PipelineContext) throws {
        let matte = try context.required(context.matte, "matte")
        let colour = try context.required(context.foreground, "foreground")
        guard let axis = try PrincipalAxis(of: matte) else { return }
        guard axis.elongation >= Self.minElongation else {
            context.notes.append("straighten: no clear axis (elongation \(Self.format(axis.elongation))), left as shot")
            return
        }
        let tilt = axis.tiltFromNearestAxis
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

/// The orientation of a matte's spread, from its alpha-weighted second moments.
struct PrincipalAxis {
    /// The long axis's angle from the x axis, in degrees within (−90, 90]; positive turns
    /// clockwise on screen (y grows downward).
    let degrees: Double
    /// √(λ₁/λ₂): 1 for a disc or a square, 3 for a bottle three times as tall as wide.
    let elongation: Double

    init?(of matte: VipsImage) throws {
        let values = try matte.cast(.uchar).pixels(as: UInt8.self)
        let width = matte.size.width
        var mass = 0.0, sumX = 0.0, sumY = 0.0, sumXX = 0.0, sumYY = 0.0, sumXY = 0.0
        for (index, value) in values.enumerated() where value > 0 {
            let weight = Double(value), x = Double(index % width), y = Double(index / width)
            mass += weight
            sumX += weight * x
            sumY += weight * y
            sumXX += weight * x * x
            sumYY += weight * y * y
            sumXY += weight * x * y
        }
        guard mass > 0 else { return nil }
        let (meanX, meanY) = (sumX / mass, sumY / mass)
        let varianceX = sumXX / mass - meanX * meanX
        let varianceY = sumYY / mass - meanY * meanY
        let covariance = sumXY / mass - meanX * meanY
        let half = (varianceX - varianceY) / 2
        let spread = (half * half + covariance * covariance).squareRoot()
        let mean = (varianceX + varianceY) / 2
        let (major, minor) = (mean + spread, max(mean - spread, 1e-9))
        degrees = 0.5 * atan2(2 * covariance, varianceX - varianceY) * 180 / .pi
        elongation = (major / minor).squareRoot()
    }

    /// How far the axis is from the nearest of horizontal and vertical, signed like `degrees`.
    var tiltFromNearestAxis: Double {
        abs(degrees) <= 45 ? degrees : degrees - (degrees > 0 ? 90 : -90)
    }
}
