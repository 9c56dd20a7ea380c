import Foundation
import LightboxCore

/// How to reach the generative backend and what it may spend. Every setting is declared
/// once below and read from `LIGHTBOX_<NAME>` in the environment, then from flags.
/// The API key comes only from `LIGHTBOX_GENERATOR_KEY` or a key file, never from a flag
/// (flags show in `ps`), and is kept in a `Secret` that never prints.
public struct GeneratorSettings: Sendable {
    public var baseURL = Spec.url.defaultValue
    public var model = Spec.model.defaultValue
    public var editModel = Spec.editModel.defaultValue
    public var apiKey: Secret?
    public var keyFile = Spec.keyFile.defaultValue
    public var dailyImages = Spec.dailyImages.defaultValue
    public var dailyDollars = Spec.dailyDollars.defaultValue
    public var dollarsPerImage = Spec.price.defaultValue
    public var timeoutSeconds = Spec.timeout.defaultValue
    public var attempts = Spec.attempts.defaultValue
    public var sizes = Spec.sizes.defaultValue
    public var fallback = Spec.fallback.defaultValue
    public var cacheFolder = Spec.cache.defaultValue
    public var cacheMegabytes = Spec.cacheSize.defaultValue

    public init() {}

    public var isConfigured: Bool { baseURL != nil }

    public enum Spec {
        public static let url = OptionSpec<URL?>(name: "generator-url", expected: "an http or https base URL",
            default: nil, help: "OpenAI-compatible images API, e.g. https://api.openai.com; unset, prompts fall back",
            describe: { $0?.absoluteString ?? "none" }) { raw in
            guard let url = URL(string: raw), ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
                  url.host?.isEmpty == false else { return nil }
            return .some(url)
        }
        public static let model = OptionSpec<String>(name: "generator-model", expected: "a model name",
            default: "dall-e-3", help: "Image model to ask for", describe: { $0 }) {
            (1...100).contains($0.count) ? $0 : nil
        }
        public static let editModel = OptionSpec<String>(name: "generator-edit-model", expected: "a model name",
            default: "gpt-image-1", help: "Image model that draws a product's missing angles (POST /v1/images/edits)",
            describe: { $0 }) {
            (1...100).contains($0.count) ? $0 : nil
        }
        public static let keyFile = OptionSpec<String?>.text("generator-key-file", maxLength: 4096,
            help: "File holding the API key (else LIGHTBOX_GENERATOR_KEY)")
        public static let dailyImages = OptionSpec.integer("generator-daily-images", 0...1_000_000, default: 100,
            help: "Generated images (scenes and angles) allowed per UTC day; cache hits are free")
        public static let dailyDollars = OptionSpec.number("generator-daily-usd", 0...1_000_000, default: 5,
            help: "Money allowed per UTC day, in US dollars")
        public static let price = OptionSpec.number("generator-price-usd", 0...100, default: 0.04,
            help: "What one generated image costs, in US dollars")
        public static let timeout = OptionSpec.number("generator-timeout", 1...600, default: 60,
            help: "Seconds one call may take")
        public static let attempts = OptionSpec.integer("generator-attempts", 1...10, default: 4,
            help: "Calls per image, retrying 429 and 5xx with exponential backoff")
        public static let sizes = OptionSpec<[PixelSize]>(name: "generator-sizes",
            expected: "a comma list of WIDTHxHEIGHT", default: [
                PixelSize(width: 1024, height: 1024), PixelSize(width: 1792, height: 1024),
                PixelSize(width: 1024, height: 1792),
            ], help: "Sizes the model accepts; the one nearest the canvas's aspect is asked for",
            describe: { $0.map(\.description).joined(separator: ",") }) { raw in
            let sizes = raw.split(separator: ",").compactMap {
                PixelSize(parsing: $0.trimmingCharacters(in: .whitespaces), in: 64...8192)
            }
            return !sizes.isEmpty && sizes.count == raw.split(separator: ",").count ? sizes : nil
        }
        public static let fallback = OptionSpec<GeneratorFallback>(name: "generator-fallback",
            expected: "none, words or a preset name", default: .promptWords,
            help: "When the generator is unset, over budget or failing: none fails; words draws the scene "
                + "the prompt names; a preset is drawn when the prompt names none",
            describe: { $0.description }) { GeneratorFallback(parsing: $0) }
        public static let cache = OptionSpec<String?>.text("generator-cache", maxLength: 4096,
            help: "Folder for generated scenes and the day's usage (default: ~/.cache/lightbox/scenes)")
        public static let cacheSize = OptionSpec.integer("generator-cache-mb", 1...1_000_000, default: 2048,
            help: "Megabytes of generated scenes kept; past it the least recently used go")
    }

    public static let catalog = OptionCatalog<GeneratorSettings>([
        OptionBinding(Spec.url, scope: .process, \.baseURL),
        OptionBinding(Spec.model, scope: .process, \.model),
        OptionBinding(Spec.editModel, scope: .process, \.editModel),
        OptionBinding(Spec.keyFile, scope: .process, \.keyFile),
        OptionBinding(Spec.dailyImages, scope: .process, \.dailyImages),
        OptionBinding(Spec.dailyDollars, scope: .process, \.dailyDollars),
        OptionBinding(Spec.price, scope: .process, \.dollarsPerImage),
        OptionBinding(Spec.timeout, scope: .process, \.timeoutSeconds),
        OptionBinding(Spec.attempts, scope: .process, \.attempts),
        OptionBinding(Spec.sizes, scope: .process, \.sizes),
        OptionBinding(Spec.fallback, scope: .process, \.fallback),
        OptionBinding(Spec.cache, scope: .process, \.cacheFolder),
        OptionBinding(Spec.cacheSize, scope: .process, \.cacheMegabytes),
    ])

    /// The environment's `LIGHTBOX_GENERATOR_*` values, then `flags` over them, then the key.
    public static func resolve(flags: [(name: String, value: String)],
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Self {
        var settings = try catalog.resolve(catalog.values(in: environment) + flags, over: GeneratorSettings())
        settings.apiKey = try Secret.key(file: settings.keyFile, variable: "LIGHTBOX_GENERATOR_KEY", of: "generator",
                                         environment: environment)
        return settings
    }

    /// The cache folder, defaulting under `XDG_CACHE_HOME` or `~/.cache`.
    public func cacheURL(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        cacheFolder.map { URL(fileURLWithPath: $0) } ?? Self.userCache("lightbox/scenes", environment: environment)
    }

    /// `path` under `XDG_CACHE_HOME`, else `~/.cache`.
    static func userCache(_ path: String, environment: [String: String]) -> URL {
        let base = environment["XDG_CACHE_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
        return base.appendingPathComponent(path)
    }

    /// Of the sizes the model accepts, the one whose aspect is nearest the canvas's.
    public func requestSize(for canvas: PixelSize) -> PixelSize {
        let aspect = Double(canvas.width) / Double(canvas.height)
        return sizes.min { lhs, rhs in
            abs(log(Double(lhs.width) / Double(lhs.height) / aspect))
                < abs(log(Double(rhs.width) / Double(rhs.height) / aspect))
        } ?? canvas
    }
}

/// A credential: usable by the code that sends it, invisible to anything that prints it.
public struct Secret: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public let value: String

    public init(_ value: String) {
        self.value = value
    }

    public var description: String { "[redacted]" }
    public var debugDescription: String { "[redacted]" }
    public var customMirror: Mirror { Mirror(self, children: []) }

    /// An API key from `file` when one is named, else from the environment's `variable`; nil
    /// when neither gives one. Never from a flag: flags show in `ps`.
    static func key(file: String?, variable: String, of service: String, environment: [String: String]) throws -> Secret? {
        if let file {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw LightboxError(.invalidOption, "Cannot read the \(service)'s key file \(file)")
            }
            return Secret(text.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return environment[variable].flatMap { $0.isEmpty ? nil : Secret($0) }
    }

    /// `text` with any occurrence of the secret blanked out, for messages from elsewhere.
    public func redacting(_ text: String) -> String {
        value.isEmpty ? text : text.replacingOccurrences(of: value, with: "[redacted]")
    }
}
