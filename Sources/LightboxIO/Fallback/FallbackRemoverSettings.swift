import Foundation
import LightboxCore

/// Where hard photos go when our own cutout fails QA or scores low: an external remover
/// that speaks remove.bg's API, with a daily budget of its own. Off unless a URL is set;
/// nothing leaves the machine otherwise. Read from `LIGHTBOX_<NAME>`, then from flags; the
/// key only from `LIGHTBOX_FALLBACK_REMOVER_KEY` or a key file, never from a flag.
public struct FallbackRemoverSettings: Sendable {
    public var url = Spec.url.defaultValue
    public var apiKey: Secret?
    public var keyFile = Spec.keyFile.defaultValue
    public var dailyImages = Spec.dailyImages.defaultValue
    public var dailyDollars = Spec.dailyDollars.defaultValue
    public var dollarsPerImage = Spec.price.defaultValue
    public var timeoutSeconds = Spec.timeout.defaultValue
    public var attempts = Spec.attempts.defaultValue
    public var usageFile = Spec.usageFile.defaultValue

    public init() {}

    public var isConfigured: Bool { url != nil }

    public enum Spec {
        public static let url = OptionSpec<URL?>(name: "fallback-remover", expected: "an http or https URL",
            default: nil, help: "A remove.bg-compatible remover for photos our QA fails or scores low, e.g. "
                + "https://api.remove.bg (its /v1.0/removebg is called); its result is checked by our QA and waits for review",
            describe: { $0?.absoluteString ?? "none" }) { raw in
            guard var url = URL(string: raw), ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
                  url.host?.isEmpty == false else { return nil }
            if url.path.isEmpty || url.path == "/" { url = url.appendingPathComponent("v1.0/removebg") }
            return .some(url)
        }
        public static let keyFile = OptionSpec<String?>.text("fallback-remover-key-file", maxLength: 4096,
            help: "File holding the remover's API key (else LIGHTBOX_FALLBACK_REMOVER_KEY)")
        public static let dailyImages = OptionSpec.integer("fallback-remover-daily-images", 0...1_000_000, default: 50,
            help: "Photos the remover may be sent per UTC day")
        public static let dailyDollars = OptionSpec.number("fallback-remover-daily-usd", 0...1_000_000, default: 10,
            help: "Money the remover may cost per UTC day, in US dollars")
        public static let price = OptionSpec.number("fallback-remover-price-usd", 0...100, default: 0.2,
            help: "What one removal costs, in US dollars")
        public static let timeout = OptionSpec.number("fallback-remover-timeout", 1...600, default: 60,
            help: "Seconds one call may take")
        public static let attempts = OptionSpec.integer("fallback-remover-attempts", 1...10, default: 3,
            help: "Calls per photo, retrying 429 (after its Retry-After) and 5xx with backoff")
        public static let usageFile = OptionSpec<String?>.text("fallback-remover-usage", maxLength: 4096,
            help: "File keeping the day's use, so that a restart does not reset it (default: ~/.cache/lightbox/fallback-remover.json)")
    }

    public static let catalog = OptionCatalog<FallbackRemoverSettings>([
        OptionBinding(Spec.url, scope: .process, \.url),
        OptionBinding(Spec.keyFile, scope: .process, \.keyFile),
        OptionBinding(Spec.dailyImages, scope: .process, \.dailyImages),
        OptionBinding(Spec.dailyDollars, scope: .process, \.dailyDollars),
        OptionBinding(Spec.price, scope: .process, \.dollarsPerImage),
        OptionBinding(Spec.timeout, scope: .process, \.timeoutSeconds),
        OptionBinding(Spec.attempts, scope: .process, \.attempts),
        OptionBinding(Spec.usageFile, scope: .process, \.usageFile),
    ])

    /// The environment's `LIGHTBOX_FALLBACK_REMOVER_*` values, then `flags` over them, then the key.
    public static func resolve(flags: [(name: String, value: String)],
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Self {
        var settings = try catalog.resolve(catalog.values(in: environment) + flags, over: FallbackRemoverSettings())
        settings.apiKey = try Secret.key(file: settings.keyFile, variable: "LIGHTBOX_FALLBACK_REMOVER_KEY",
                                         of: "fallback remover", environment: environment)
        return settings
    }

    /// The usage file, defaulting under `XDG_CACHE_HOME` or `~/.cache`.
    public func usageURL(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        usageFile.map { URL(fileURLWithPath: $0) }
            ?? GeneratorSettings.userCache("lightbox/fallback-remover.json", environment: environment)
    }
}
