import Foundation
import LightboxCore

/// Where the service keeps its data and how hard it works. Every setting is declared once
/// below with its default, and read from an optional JSON config file, then from
/// `LIGHTBOX_<NAME>` in the environment, then from flags.
public struct ServiceConfig: Sendable {
    public var dataFolder: URL
    public var host = Spec.host.defaultValue
    public var port = Spec.port.defaultValue
    /// In-process workers; 0 runs the API only.
    public var workers = Spec.workers.defaultValue
    public var lease: Duration = .seconds(Spec.leaseSeconds.defaultValue)
    public var maxUploadBytes = Spec.maxUploadMB.defaultValue * 1_000_000
    public var maxMegapixels = Spec.maxMegapixels.defaultValue
    public var creditsPerImage = Spec.creditsPerImage.defaultValue
    /// Per key: requests a minute, and how many may come at once.
    public var ratePerMinute = Spec.ratePerMinute.defaultValue
    public var rateBurst = Spec.rateBurst.defaultValue
    /// Let image_url and webhook_url reach loopback and private networks (tests, closed networks).
    public var allowPrivateURLs = Spec.allowPrivateURLs.defaultValue
    /// Output links signed and expiring, for private catalogues.
    public var privateOutputs = Spec.privateOutputs.defaultValue
    public var signedLinkSeconds = Spec.signedLinkSeconds.defaultValue
    /// How long a stopping service waits for the jobs in flight before handing them back.
    public var shutdownGrace: Duration = .seconds(Spec.shutdownGraceSeconds.defaultValue)
    /// How often leases are checked and due webhooks are called.
    public var upkeepInterval: Duration = .seconds(1)
    /// How often an idle worker looks for work.
    public var pollInterval: Duration = .milliseconds(200)

    public init(dataFolder: URL) {
        self.dataFolder = dataFolder
    }

    public var database: URL { dataFolder.appendingPathComponent("lightbox.sqlite") }
    public var inputs: URL { dataFolder.appendingPathComponent("inputs") }
    public var outputs: URL { dataFolder.appendingPathComponent("outputs") }

    public var limits: DecodeLimits {
        var limits = DecodeLimits()
        limits.maxInputBytes = maxUploadBytes
        limits.maxPixels = maxMegapixels * 1_000_000
        return limits
    }

    public enum Spec {
        public static let host = OptionSpec<String>(name: "host", expected: "an address to listen on",
            default: "127.0.0.1", help: "Address to listen on (0.0.0.0 for every interface)", describe: { $0 }) {
            $0.isEmpty || $0.count > 255 ? nil : $0
        }
        public static let port = OptionSpec.integer("port", 0...65535, default: 8080, help: "Port to listen on")
        public static let workers = OptionSpec<Int>(name: "workers", expected: "integer between 0 and 64",
            default: ProcessInfo.processInfo.activeProcessorCount,
            help: "In-process workers, each with its own single-threaded inference session (0: API only)",
            describe: { $0 == ProcessInfo.processInfo.activeProcessorCount ? "the core count" : String($0) }) {
            Int($0).flatMap { (0...64).contains($0) ? $0 : nil }
        }
        public static let leaseSeconds = OptionSpec.integer("lease-seconds", 1...3600, default: 60,
            help: "How long a worker holds a job without a heartbeat before it is rescued")
        public static let maxUploadMB = OptionSpec.integer("max-upload-mb", 1...1000, default: 25, help: "Largest upload (413 above)")
        public static let maxMegapixels = OptionSpec.integer("max-megapixels", 1...1000, default: 50,
            help: "Largest image, from its header (422 above)")
        public static let creditsPerImage = OptionSpec.integer("credits-per-image", 0...1000, default: 1,
            help: "Credits one generation costs")
        public static let ratePerMinute = OptionSpec.integer("rate-per-minute", 1...1_000_000, default: 600,
            help: "Requests a key may make a minute (429 above)")
        public static let rateBurst = OptionSpec.integer("rate-burst", 1...100_000, default: 60,
            help: "Requests a key may make at once")
        public static let shutdownGraceSeconds = OptionSpec.integer("shutdown-grace-seconds", 0...3600, default: 30,
            help: "On SIGTERM, how long the jobs in flight may take before their leases are handed back")
        public static let privateOutputs = OptionSpec.flag("private-outputs", default: false,
            help: "Serve outputs only through signed links that expire (403 otherwise)")
        public static let signedLinkSeconds = OptionSpec.integer("signed-link-seconds", 1...604_800, default: 3600,
            help: "How long a signed output link works")
        public static let allowPrivateURLs = OptionSpec.flag("allow-private-urls", default: false,
            help: "Let image_url and webhook_url reach loopback and private addresses")
    }

    public static let catalog = OptionCatalog<ServiceConfig>([
        OptionBinding(Spec.host, \.host),
        OptionBinding(Spec.port, \.port),
        OptionBinding(Spec.workers, \.workers),
        OptionBinding(Spec.leaseSeconds, \.leaseSeconds),
        OptionBinding(Spec.maxUploadMB, \.maxUploadMB),
        OptionBinding(Spec.maxMegapixels, \.maxMegapixels),
        OptionBinding(Spec.creditsPerImage, \.creditsPerImage),
        OptionBinding(Spec.ratePerMinute, \.ratePerMinute),
        OptionBinding(Spec.rateBurst, \.rateBurst),
        OptionBinding(Spec.shutdownGraceSeconds, \.shutdownGraceSeconds),
        OptionBinding(Spec.privateOutputs, \.privateOutputs),
        OptionBinding(Spec.signedLinkSeconds, \.signedLinkSeconds),
        OptionBinding(Spec.allowPrivateURLs, \.allowPrivateURLs),
    ])

    /// The config file's values, then the environment's `LIGHTBOX_<NAME>`, then `flags`.
    public static func resolve(dataFolder: URL, file: URL?, flags: [(name: String, value: String)],
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Self {
        var fromFile: [(name: String, value: String)] = []
        if let file {
            guard let data = try? Data(contentsOf: file),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw LightboxError(.invalidOption, "The config file \(file.path) is not a JSON object")
            }
            fromFile = object.sorted { $0.key < $1.key }.map { (name: $0.key, value: "\($0.value)") }
        }
        return try catalog.resolve(fromFile + catalog.values(in: environment) + flags, over: ServiceConfig(dataFolder: dataFolder))
    }

    var leaseSeconds: Int {
        get { Int(lease.seconds) }
        set { lease = .seconds(newValue) }
    }
    var maxUploadMB: Int {
        get { maxUploadBytes / 1_000_000 }
        set { maxUploadBytes = newValue * 1_000_000 }
    }
    var shutdownGraceSeconds: Int {
        get { Int(shutdownGrace.seconds) }
        set { shutdownGrace = .seconds(newValue) }
    }
}

/// What a queued job carries: the stored input and the validated option pairs.
struct JobPayload: Codable, Sendable {
    struct Pair: Codable, Sendable {
        let name: String
        let value: String
    }

    let input: String
    let options: [Pair]
}

/// What a finished job records, for `GET /v1/image/{id}`.
struct JobReport: Codable, Sendable {
    struct Output: Codable, Sendable {
        let format: String
        let file: String
        let bytes: Int
        let width: Int
        let height: Int
    }

    let outputs: [Output]
    let timingsMs: [String: Double]
    let qa: QAReport?
    let notes: [String]
    let backend: String?
}
