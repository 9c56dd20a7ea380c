import Foundation

/// For the photo and product frames: settles the output's size (the upright photo at up to
/// `photo-megapixels`, or the product's box plus `crop-margin`) and where the product goes
/// on it, then hands the size to `Background` and the place to `Fit`.
public struct FramePhoto: PipelineStep {
    public let name = "frame"

    public init() {}

    public func isEnabled(for options: ProcessOptions) -> Bool { options.framing.frame != .canvas }

    public func run(_ context: inout PipelineContext) throws {
        let matte = try context.required(context.matte, "matte")
        let source = try context.required(context.sourceSize, "source size")
        let framing = context.options.framing
        guard let bounds = try Fit.bounds(of: matte) else {
            throw LightboxError(.qaFailed, "No product found: the matte is empty")
        }
        // Working pixels → output pixels: the photo at its stored resolution, capped.
        let scale = Self.scale(of: source, megapixels: framing.maxMegapixels) * Double(source.longSide)
            / Double(matte.size.longSide)
        func scaled(_ value: Int) -> Int { max(1, Int((Double(value) * scale).rounded())) }
        var subject = PixelRect(x: Int((Double(bounds.x) * scale).rounded()), y: Int((Double(bounds.y) * scale).rounded()),
                                width: scaled(bounds.width), height: scaled(bounds.height))
        var size = PixelSize(width: scaled(matte.size.width), height: scaled(matte.size.height))
        if framing.frame == .product {
            let margin = framing.cropMargin
            let (width, height) = (Double(subject.width), Double(subject.height))
            let top = Int(margin.top.resolved(against: height).rounded())
            let left = Int(margin.left.resolved(against: width).rounded())
            size = PixelSize(width: subject.width + left + Int(margin.right.resolved(against: width).rounded()),
                             height: subject.height + top + Int(margin.bottom.resolved(against: height).rounded()))
            subject.x = left
            subject.y = top
        }
        context.options.canvas = size
        context.placement = Self.place(subject, in: size, scale: framing.subjectScale, position: framing.position)
    }

    /// The share of the photo's resolution that stays within `megapixels` (at most 1).
    static func scale(of photo: PixelSize, megapixels: Double) -> Double {
        min(1, (megapixels * 1_000_000 / Double(photo.pixelCount)).squareRoot())
    }

    /// The subject resized to `scale` of the frame (when set) and moved to `position`.
    static func place(_ subject: PixelRect, in frame: PixelSize, scale: Double?, position: SubjectPosition) -> PixelRect {
        var placed = subject
        if let scale {
            let fit = min(Double(frame.width) * scale / Double(subject.width),
                          Double(frame.height) * scale / Double(subject.height))
            placed.width = max(1, Int((Double(subject.width) * fit).rounded()))
            placed.height = max(1, Int((Double(subject.height) * fit).rounded()))
            // Kept about its old centre until a position says otherwise.
            placed.x = subject.x + (subject.width - placed.width) / 2
            placed.y = subject.y + (subject.height - placed.height) / 2
        }
        switch position {
        case .original: break
        case .center:
            placed.x = (frame.width - placed.width) / 2
            placed.y = (frame.height - placed.height) / 2
        case .at(let x, let y):
            placed.x = Int((Double(frame.width - placed.width) * x / 100).rounded())
            placed.y = Int((Double(frame.height - placed.height) * y / 100).rounded())
        }
        return placed
    }
}
