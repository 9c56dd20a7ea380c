import Foundation

/// One rule for the CLI and the API: what a background argument means.
/// - `#RRGGBB`, gradients and `transparent` are themselves; a preset name is that preset.
/// - A prompt that says white plus background or studio is white-studio; one that mentions
///   a gradient is gradient-light.
/// - Any other prompt goes to the generative backend. When there is none, or it is over
///   budget or failing, the fallback decides: by default the procedural scene the prompt's
///   words name, and the result says so.
/// Simple backgrounds never reach the generator.
public enum SmartBackground {
    public static func resolve(_ spec: BackgroundSpec, canvas: PixelSize, seed: UInt64,
                               generator: (any SceneGenerator)? = nil,
                               fallback: GeneratorFallback = .promptWords) throws -> ResolvedBackground {
        guard case .prompt(let prompt) = spec else { return ResolvedBackground(spec: spec) }
        let words = Set(prompt.lowercased().split { !$0.isLetter }.map(String.init))
        if words.contains("white") && !words.isDisjoint(with: ["background", "backdrop", "studio"]) {
            return ResolvedBackground(spec: .scene(.whiteStudio))
        }
        if !words.isDisjoint(with: ["gradient", "gradients"]) {
            return ResolvedBackground(spec: .scene(.gradientLight))
        }
        let failure: LightboxError
        if let generator {
            do {
                let scene = try generator.scene(for: SceneRequest(prompt: prompt, canvas: canvas, seed: seed))
                return ResolvedBackground(generated: scene.image, prompt: prompt,
                                          note: scene.fromCache ? "generated scene served from the cache" : nil)
            } catch let error as LightboxError {
                failure = error
            }
        } else {
            failure = LightboxError(.generatorUnavailable,
                                    "No generative backend is configured for the background prompt; use a preset ("
                                    + ScenePreset.allCases.map(\.rawValue).joined(separator: ", ") + ") or a #RRGGBB colour")
        }
        guard let scene = fallback.scene(for: words) else { throw failure }
        return ResolvedBackground(spec: .scene(scene),
                                  note: "\(failure.code.rawValue): drew the procedural \(scene.rawValue) scene for the prompt")
    }

    /// The procedural scene a prompt's words name, if any.
    static func procedural(for words: Set<String>) -> ScenePreset? {
        let vocabulary: [(ScenePreset, Set<String>)] = [
            (.marble, ["marble", "marbled"]),
            (.woodTable, ["wood", "wooden", "oak", "walnut", "table", "tabletop"]),
            (.concrete, ["concrete", "cement", "stone", "industrial"]),
            (.outdoor, ["outdoor", "outdoors", "outside", "bokeh", "garden", "nature", "park", "forest"]),
            (.linen, ["linen", "fabric", "cloth", "textile"]),
            (.pastel, ["pastel", "pastels"]),
        ]
        return vocabulary.first { !$0.1.isDisjoint(with: words) }?.0
    }
}

/// What a background argument came to for one image.
public struct ResolvedBackground: Sendable, Equatable {
    public enum Look: Sendable, Equatable {
        /// Drawn here; never a prompt.
        case drawn(BackgroundSpec)
        /// Painted by the generator for the prompt: encoded image bytes.
        case generated(prompt: String, image: Data)
        /// A photo the caller gave: encoded image bytes.
        case supplied(Data)
    }

    public let look: Look
    /// Said in the result, e.g. that a prompt fell back to a procedural scene.
    public var note: String?

    public init(spec: BackgroundSpec, note: String? = nil) {
        look = .drawn(spec)
        self.note = note
    }

    public init(generated image: Data, prompt: String, note: String? = nil) {
        look = .generated(prompt: prompt, image: image)
        self.note = note
    }

    public init(supplied image: Data) {
        look = .supplied(image)
    }

    /// The drawn background, or the prompt a generated one was painted from.
    public var spec: BackgroundSpec {
        switch look {
        case .drawn(let spec): spec
        case .generated(let prompt, _): .prompt(prompt)
        case .supplied: .solid(.white)
        }
    }

    public var scene: ScenePreset? {
        if case .drawn(.scene(let preset)) = look { preset } else { nil }
    }

    /// Canvas height fraction where the product stands, for scenes with a floor.
    public var floorLine: Double? { scene?.floorLine }
    public var defaultShadow: ShadowKind { scene?.defaultShadow ?? .soft }

    public func renderer(seed: UInt64) throws -> any BackgroundRenderer {
        switch look {
        case .drawn(let spec): try spec.renderer(seed: seed)
        case .generated(_, let image): GeneratedBackground(encoded: image)
        case .supplied(let image):
            GeneratedBackground(encoded: image, source: "background image", failure: .corruptImage)
        }
    }
}
