import Foundation

/// Settles what the background argument means (a colour, a gradient, a preset, or a
/// prompt for the generator; or a photo given with it), paints the canvas, and records the scene's floor and shadow for later steps.
public struct Background: PipelineStep {
    public let name = "background"

    public init() {}

    public func run(_ context: inout PipelineContext) throws {
        let options = context.options, services = context.services
        let resolved = try options.backgroundImage.map(ResolvedBackground.init(supplied:))
            ?? SmartBackground.resolve(options.background, canvas: options.canvas, seed: options.seed,
                                       generator: services.generator, fallback: services.generatorFallback)
        if let note = resolved.note { context.notes.append(note) }
        context.background = resolved
        context.canvas = try resolved.renderer(seed: options.seed).render(size: options.canvas)
    }
}

/// Something that draws a background at canvas size: 8-bit sRGB, with a fourth
/// (alpha) band only when the background is transparent. Scenes plug in here.
public protocol BackgroundRenderer: Sendable {
    func render(size: PixelSize) throws -> VipsImage
}

public enum BackgroundSpec: Sendable, Equatable, CustomStringConvertible {
    case solid(RGBColour)
    /// CSS convention: 180° runs top to bottom, 90° left to right.
    case linearGradient(angle: Double, from: RGBColour, to: RGBColour)
    case radialGradient(inner: RGBColour, outer: RGBColour)
    case transparent
    case scene(ScenePreset)
    /// Words describing a scene, resolved by `SmartBackground`.
    case prompt(String)
    /// The words of `--background-prompt`; options validation turns it into `.prompt`.
    case custom

    public var isOpaque: Bool { self != .transparent }

    /// Draws this background; procedural scenes vary with `seed`. A prompt must be resolved first.
    public func renderer(seed: UInt64) throws -> any BackgroundRenderer {
        switch self {
        case .solid(let colour): SolidBackground(colour: colour)
        case .linearGradient(let angle, let from, let to): LinearGradientBackground(angle: angle, from: from, to: to)
        case .radialGradient(let inner, let outer): RadialGradientBackground(inner: inner, outer: outer)
        case .transparent: TransparentBackground()
        case .scene(let preset): preset.renderer(seed: seed)
        case .prompt, .custom: throw LightboxError(.internal, "background prompt rendered before it was resolved")
        }
    }

    /// `#RRGGBB`, `transparent`, `linear-gradient([ANGLEdeg,] #A, #B)`, `radial-gradient(#A, #B)`,
    /// a preset name, `custom`, or any other words as a prompt.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let lowered = trimmed.lowercased().replacingOccurrences(of: " ", with: "")
        if lowered == "transparent" { self = .transparent; return }
        if lowered == "custom" { self = .custom; return }
        if let preset = ScenePreset(rawValue: trimmed.lowercased()) { self = .scene(preset); return }
        // Anything that looks like a colour or a function must parse as one.
        let isNotation = trimmed.hasPrefix("#") || trimmed.contains("(")
        if !isNotation {
            guard (1...Self.maxPromptLength).contains(trimmed.count), trimmed.contains(where: \.isLetter) else { return nil }
            self = .prompt(trimmed)
            return
        }
        if let colour = RGBColour(hex: lowered) { self = .solid(colour); return }
        for kind in ["linear-gradient", "radial-gradient"] where lowered.hasPrefix(kind + "(") && lowered.hasSuffix(")") {
            var arguments = lowered.dropFirst(kind.count + 1).dropLast().split(separator: ",").map(String.init)
            var angle = 180.0
            if kind == "linear-gradient", let first = arguments.first, first.hasSuffix("deg") {
                guard let degrees = Double(first.dropLast(3)), degrees.isFinite else { return nil }
                angle = degrees
                arguments.removeFirst()
            }
            let colours = arguments.compactMap(RGBColour.init(hex:))
            guard colours.count == 2, arguments.count == 2 else { return nil }
            self = kind == "linear-gradient"
                ? .linearGradient(angle: angle, from: colours[0], to: colours[1])
                : .radialGradient(inner: colours[0], outer: colours[1])
            return
        }
        return nil
    }

    public var description: String {
        switch self {
        case .solid(let colour): colour.description
        case .linearGradient(let angle, let from, let to):
            "linear-gradient(\(OptionSpec<Double>.format(angle))deg, \(from), \(to))"
        case .radialGradient(let inner, let outer): "radial-gradient(\(inner), \(outer))"
        case .transparent: "transparent"
        case .scene(let preset): preset.rawValue
        case .prompt(let words): words
        case .custom: "custom"
        }
    }

    /// `description`, except that a prompt is marked as one: the words "marble" given as a
    /// prompt are not the marble preset.
    public var canonicalText: String {
        if case .prompt(let words) = self { return "prompt:" + words }
        return description
    }

    public static let maxPromptLength = 1000
}

struct SolidBackground: BackgroundRenderer {
    let colour: RGBColour

    func render(size: PixelSize) throws -> VipsImage {
        try VipsImage.solid(size, colour: colour.components).tagged(.srgb)
    }
}

struct TransparentBackground: BackgroundRenderer {
    func render(size: PixelSize) throws -> VipsImage {
        try VipsImage.solid(size, colour: [0, 0, 0, 0]).tagged(.srgb)
    }
}

struct LinearGradientBackground: BackgroundRenderer {
    let angle: Double
    let from: RGBColour
    let to: RGBColour

    func render(size: PixelSize) throws -> VipsImage {
        let radians = angle * .pi / 180
        let (dx, dy) = (sin(radians), -cos(radians))
        let halfLength = abs(Double(size.width) / 2 * dx) + abs(Double(size.height) / 2 * dy)
        let centreProjection = Double(size.width) / 2 * dx + Double(size.height) / 2 * dy
        // t = 0.5 + ((x, y) − centre)·d / (2 · halfLength), running 0 → 1 along the gradient.
        let position = try VipsImage.coordinates(size).linear([dx, dy], [0, 0]).bandMean()
            .linear(1 / halfLength, 0.5 - centreProjection / (2 * halfLength))
        return try blend(from, to, by: position)
    }
}

struct RadialGradientBackground: BackgroundRenderer {
    let inner: RGBColour
    let outer: RGBColour

    func render(size: PixelSize) throws -> VipsImage {
        let (cx, cy) = (Double(size.width) / 2, Double(size.height) / 2)
        let offsets = try VipsImage.coordinates(size).linear([1, 1], [-cx, -cy])
        let radius = (cx * cx + cy * cy).squareRoot()
        let distance = try (offsets * offsets).bandMean().linear(2, 0).squareRoot().linear(1 / radius, 0)
        return try blend(inner, outer, by: distance)
    }
}

/// Per pixel `from + t (to − from)`, with `t` a one-band float image (clamped by the cast).
func blend(_ from: RGBColour, _ to: RGBColour, by position: VipsImage) throws -> VipsImage {
    let clamped = try position.linear(255, 0, uchar: true).linear(1.0 / 255, 0)
    let steps = zip(from.components, to.components).map { $1 - $0 }
    return try clamped.linear(steps, from.components, uchar: true).tagged(.srgb)
}
