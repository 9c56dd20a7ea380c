import Foundation

/// What the output is framed on: the fixed canvas (`size`, `margin`), the photo's own frame
/// (the cutout where the product stood), or the product's box (`crop-margin` around it).
public enum Frame: String, Sendable, CaseIterable, Codable {
    case canvas, photo, product
}

/// Which bands the outputs carry: all, the matte alone (one grey band), or the colour bands
/// and, as a separate PNG, the matte (`split`).
public enum Channels: String, Sendable, CaseIterable, Codable {
    case rgba, alpha, split
}

/// A length in output pixels, or in percent of a reference (the subject, the photo).
public enum Length: Sendable, Equatable, CustomStringConvertible {
    case pixels(Double)
    case percent(Double)

    /// "30px", "30" (pixels) or "10%".
    init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let isPercent = trimmed.hasSuffix("%")
        let digits = isPercent ? trimmed.dropLast() : trimmed.hasSuffix("px") ? trimmed.dropLast(2) : Substring(trimmed)
        guard let value = Double(digits), value.isFinite, value >= 0 else { return nil }
        self = isPercent ? .percent(value) : .pixels(value)
    }

    public func resolved(against reference: Double) -> Double {
        switch self {
        case .pixels(let value): value
        case .percent(let value): reference * value / 100
        }
    }

    public var description: String {
        switch self {
        case .pixels(let value): OptionSpec<Double>.format(value) + "px"
        case .percent(let value): OptionSpec<Double>.format(value) + "%"
        }
    }

    /// Space-separated lengths, each passing `allowed`; nil when any does not.
    static func list(_ text: String, counts: Set<Int>, allowed: (Length) -> Bool) -> [Length]? {
        let given = text.split(whereSeparator: { $0 == " " || $0 == "," })
        let parts = given.compactMap { Length(parsing: String($0)) }
        guard parts.count == given.count, counts.contains(parts.count), parts.allSatisfy(allowed) else { return nil }
        return parts
    }
}

/// Space around a cropped product, CSS-like: one value for all sides, two for top/bottom
/// and left/right, or four for top, right, bottom, left. Percent is of the product's size.
public struct CropMargin: Sendable, Equatable, CustomStringConvertible {
    public var top: Length, right: Length, bottom: Length, left: Length

    public static let zero = CropMargin(top: .pixels(0), right: .pixels(0), bottom: .pixels(0), left: .pixels(0))
    static let maxPixels = 500.0, maxPercent = 50.0

    init(top: Length, right: Length, bottom: Length, left: Length) {
        self.top = top; self.right = right; self.bottom = bottom; self.left = left
    }

    init?(parsing text: String) {
        guard let values = Length.list(text, counts: [1, 2, 4], allowed: {
            switch $0 {
            case .pixels(let value): value <= Self.maxPixels
            case .percent(let value): value <= Self.maxPercent
            }
        }) else { return nil }
        switch values.count {
        case 1: self.init(top: values[0], right: values[0], bottom: values[0], left: values[0])
        case 2: self.init(top: values[0], right: values[1], bottom: values[0], left: values[1])
        default: self.init(top: values[0], right: values[1], bottom: values[2], left: values[3])
        }
    }

    public var description: String { "\(top) \(right) \(bottom) \(left)" }
}

/// Where the subject sits in its frame: where it stood, centred, or at x%/y% of the free
/// space (0% is the left or top edge, 100% the right or bottom).
public enum SubjectPosition: Sendable, Equatable, CustomStringConvertible {
    case original
    case center
    case at(x: Double, y: Double)

    init?(parsing text: String) {
        switch text.lowercased() {
        case "original": self = .original
        case "center", "centre": self = .center
        default:
            guard let values = Length.list(text, counts: [1, 2], allowed: {
                if case .percent(let value) = $0 { value <= 100 } else { false }
            }) else { return nil }
            let x = values[0].resolved(against: 100), y = values.last!.resolved(against: 100)
            self = .at(x: x, y: y)
        }
    }

    public var description: String {
        switch self {
        case .original: "original"
        case .center: "center"
        case .at(let x, let y): "\(OptionSpec<Double>.format(x))% \(OptionSpec<Double>.format(y))%"
        }
    }
}

/// The only part of the photo where the product may be: `x1 y1 x2 y2`, each in the upright
/// photo's pixels or in percent of its width or height.
public struct RegionOfInterest: Sendable, Equatable, CustomStringConvertible {
    public let x1: Length, y1: Length, x2: Length, y2: Length

    init?(parsing text: String) {
        guard let values = Length.list(text, counts: [4], allowed: {
            if case .percent(let value) = $0 { value <= 100 } else { true }
        }) else { return nil }
        (x1, y1, x2, y2) = (values[0], values[1], values[2], values[3])
    }

    /// The region on an image of `size` that shows a photo of `photo` pixels; nil when it is empty.
    public func rect(on size: PixelSize, photo: PixelSize) -> PixelRect? {
        func place(_ length: Length, _ side: Int, _ photoSide: Int) -> Int {
            let value = switch length {
            case .pixels(let pixels): pixels * Double(side) / Double(photoSide)
            case .percent(let percent): Double(side) * percent / 100
            }
            return min(side, max(0, Int(value.rounded())))
        }
        let left = place(x1, size.width, photo.width), right = place(x2, size.width, photo.width)
        let top = place(y1, size.height, photo.height), bottom = place(y2, size.height, photo.height)
        guard right > left, bottom > top else { return nil }
        return PixelRect(x: left, y: top, width: right - left, height: bottom - top)
    }

    public var description: String { "\(x1) \(y1) \(x2) \(y2)" }
}

/// The framing options together, as the photo and product frames read them.
public struct FramingOptions: Sendable {
    public var frame = ProcessOptions.Spec.frame.defaultValue
    public var cropMargin = ProcessOptions.Spec.cropMargin.defaultValue
    /// The subject's share of the frame (0.1–1), or nil to keep its size.
    public var subjectScale = ProcessOptions.Spec.subjectScale.defaultValue
    public var position = ProcessOptions.Spec.subjectPosition.defaultValue
    public var region = ProcessOptions.Spec.region.defaultValue
    public var maxMegapixels = ProcessOptions.Spec.photoMegapixels.defaultValue
    public init() {}
}
