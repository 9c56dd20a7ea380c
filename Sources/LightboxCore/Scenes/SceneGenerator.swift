import Foundation

/// A service that paints a scene from words, such as an OpenAI-compatible images API.
/// Declared here and implemented by an adapter: the core never reaches the network itself.
public protocol SceneGenerator: Sendable {
    /// Encoded image bytes for the request. Throws `LightboxError`: `generator_unavailable`,
    /// `generator_rejected` or `budget_exceeded`.
    func scene(for request: SceneRequest) throws -> GeneratedScene
}

/// What a generated scene is cached by: one prompt at one canvas size and seed is one call.
public struct SceneRequest: Equatable, Sendable {
    public let prompt: String
    public let canvas: PixelSize
    public let seed: UInt64

    public init(prompt: String, canvas: PixelSize, seed: UInt64) {
        self.prompt = prompt
        self.canvas = canvas
        self.seed = seed
    }
}

public struct GeneratedScene: Sendable, Equatable {
    public let image: Data
    /// Served from the cache, with no call and no cost.
    public let fromCache: Bool

    public init(image: Data, fromCache: Bool) {
        self.image = image
        self.fromCache = fromCache
    }
}

/// What a prompt comes to when the generator is missing, over budget or failing.
public enum GeneratorFallback: Sendable, Equatable, CustomStringConvertible {
    /// Fail with the generator's error.
    case none
    /// The procedural scene the prompt's words name, else fail.
    case promptWords
    /// The scene the prompt's words name, else this preset.
    case preset(ScenePreset)

    public init?(parsing text: String) {
        switch text.lowercased() {
        case "none": self = .none
        case "words": self = .promptWords
        default:
            guard let preset = ScenePreset(rawValue: text.lowercased()) else { return nil }
            self = .preset(preset)
        }
    }

    public var description: String {
        switch self {
        case .none: "none"
        case .promptWords: "words"
        case .preset(let preset): preset.rawValue
        }
    }

    func scene(for words: Set<String>) -> ScenePreset? {
        switch self {
        case .none: nil
        case .promptWords: SmartBackground.procedural(for: words)
        case .preset(let preset): SmartBackground.procedural(for: words) ?? preset
        }
    }
}
