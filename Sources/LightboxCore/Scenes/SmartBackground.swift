/// One rule for the CLI and the API: what a background argument means.
/// - `#RRGGBB`, gradients and `transparent` are themselves; a preset name is that preset.
/// - A prompt that says white plus background or studio is white-studio; one that mentions
///   a gradient is gradient-light.
/// - Any other prompt is for the generative backend. Without one, a prompt whose words
///   name a procedural scene falls back to that scene, and the result says so.
/// Simple backgrounds never reach the network.
public enum SmartBackground {
    public static func resolve(_ spec: BackgroundSpec) throws -> ResolvedBackground {
        guard case .prompt(let prompt) = spec else { return ResolvedBackground(spec: spec) }
        let words = Set(prompt.lowercased().split { !$0.isLetter }.map(String.init))
        if words.contains("white") && !words.isDisjoint(with: ["background", "backdrop", "studio"]) {
            return ResolvedBackground(spec: .scene(.whiteStudio))
        }
        if !words.isDisjoint(with: ["gradient", "gradients"]) {
            return ResolvedBackground(spec: .scene(.gradientLight))
        }
        guard let fallback = procedural(for: words) else {
            throw LightboxError(.generatorUnavailable,
                                "No generative backend is configured for the background prompt, and its words name no "
                                + "procedural scene; use a preset (\(ScenePreset.allCases.map(\.rawValue).joined(separator: ", "))) "
                                + "or a #RRGGBB colour")
        }
        return ResolvedBackground(spec: .scene(fallback),
                                  note: "no generative backend is configured: drew the procedural \(fallback.rawValue) scene for the prompt")
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
    /// Never a prompt.
    public let spec: BackgroundSpec
    /// Said in the result, e.g. that a prompt fell back to a procedural scene.
    public var note: String?

    public init(spec: BackgroundSpec, note: String? = nil) {
        self.spec = spec
        self.note = note
    }

    public var scene: ScenePreset? {
        if case .scene(let preset) = spec { preset } else { nil }
    }

    /// Canvas height fraction where the product stands, for scenes with a floor.
    public var floorLine: Double? { scene?.floorLine }
    public var defaultShadow: ShadowKind { scene?.defaultShadow ?? .soft }
}
