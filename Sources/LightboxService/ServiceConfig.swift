import Foundation
import LightboxCore
import LightboxIO

/// Where the service keeps its data and how hard it works. Every setting is declared once
/// below with its default, and read from an optional JSON config file, then from
/// `LIGHTBOX_<NAME>` in the environment, then from flags. The engine's settings (model,
/// workers, decode limits) are `EngineSettings`, read the same way.
public struct ServiceConfig: Sendable {
    /// Local data: the default queue and blobs, and the webhook secret's copy. Nil when
    /// `database` and `blobs` name both.
    public var dataFolder: URL?
    /// A SQLite file path or `postgres://user@host:port/db`.
    public var databaseLocation: String?
    /// A folder path or `s3://bucket/prefix?endpoint=…`.
    public var blobsLocation: String?
    public var role = Spec.role.defaultValue
    public var engine = EngineSettings()
    public var host = Spec.host.defaultValue
    public var port = Spec.port.defaultValue
    public var lease: Duration = .seconds(Spec.leaseSeconds.defaultValue)
    public var maxUploadBytes = Spec.maxUploadMB.defaultValue * 1_000_000
    /// How long a connection may send nothing, and how long one request's body may take.
    public var idleTimeoutSeconds = Spec.idleTimeoutSeconds.defaultValue
    public var uploadTimeoutSeconds = Spec.uploadTimeoutSeconds.defaultValue
    public var uploadsPerKey = Spec.uploadsPerKey.defaultValue
    public var creditsPerImage = Spec.creditsPerImage.defaultValue
    /// Per key: requests a minute, and how many may come at once.
    public var ratePerMinute = Spec.ratePerMinute.defaultValue
    public var rateBurst = Spec.rateBurst.defaultValue
    /// Let image_url and webhook_url reach loopback and private networks (tests, closed networks).
    public var allowPrivateURLs = Spec.allowPrivateURLs.defaultValue
    /// Output links signed and expiring, for private catalogues.
    public var privateOutputs = Spec.privateOutputs.defaultValue
    public var signedLinkSeconds = Spec.signedLinkSeconds.defaultValue
    /// Output links straight to the bucket, presigned (S3 blobs only).
    public var presign = Spec.presign.defaultValue
    /// Output links as this base URL plus the key (a CDN or a public bucket in front of the blobs).
    public var publicBaseURL = Spec.publicBaseURL.defaultValue
    /// How long a stopping service waits for the jobs in flight before handing them back.
    public var shutdownGrace: Duration = .seconds(Spec.shutdownGraceSeconds.defaultValue)
    /// Send doubtful results to the review queue (`/review`), and below what QA score.
    public var review = ReviewPolicy.Spec.review.defaultValue
    public var reviewBelow = ReviewPolicy.Spec.reviewBelow.defaultValue
    /// Where QA failures and low scores are sent for a second opinion; off unless its URL is set.
    public var fallbackRemover = FallbackRemoverSettings()
    /// How long a synchronous request (remove.bg's) waits for its job.
    public var syncTimeoutSeconds = Spec.syncTimeoutSeconds.defaultValue
    /// How much lower than the API the worker threads run (a nice value, 0 to 19).
    public var workerNice = Spec.workerNice.defaultValue
    /// How often leases are checked and due webhooks are called.
    public var upkeepInterval: Duration = .seconds(1)

    public init(dataFolder: URL?, database: String? = nil, blobs: String? = nil) {
        self.dataFolder = dataFolder
        databaseLocation = database
        blobsLocation = blobs
    }

    /// In-process workers; 0 runs the API only.
    public var workers: Int {
        get { role == .api ? 0 : engine.workers }
        set { engine.workers = newValue }
    }

    /// What `--database` names, else `DIR/lightbox.sqlite`.
    public var database: String {
        databaseLocation ?? dataFolder!.appendingPathComponent("lightbox.sqlite").path
    }

    /// What `--blobs` names, else `DIR` (its `inputs/` and `outputs/` folders).
    public var blobs: String { blobsLocation ?? dataFolder!.path }

    /// The upload limit and the engine's pixel limit, checked before anything is queued.
    public var limits: DecodeLimits {
        var limits = engine.limits
        limits.maxInputBytes = min(maxUploadBytes, engine.limits.maxInputBytes)
        return limits
    }

    public enum Role: String, Sendable, CaseIterable {
        case api, worker, all
    }

    public enum Spec {
        public static let host = OptionSpec<String>(name: "host", expected: "an address to listen on",
            default: "127.0.0.1", help: "Address to listen on (0.0.0.0 for every interface)", describe: { $0 }) {
            $0.isEmpty || $0.count > 255 ? nil : $0
        }
        public static let port = OptionSpec.integer("port", 0...65535, default: 8080, help: "Port to listen on")
        public static let role = OptionSpec.choice("role", default: Role.all,
            help: "What this process runs: the API, workers, or both")
        public static let leaseSeconds = OptionSpec.integer("lease-seconds", 1...3600, default: 60,
            help: "How long a worker holds a job without a heartbeat before it is rescued")
        public static let maxUploadMB = OptionSpec.integer("max-upload-mb", 1...1000, default: 25, help: "Largest upload (413 above)")
        public static let idleTimeoutSeconds = OptionSpec.integer("idle-timeout-seconds", 1...3600, default: 30,
            help: "A connection that sends nothing for this long is closed (slow or stalled clients)")
        public static let uploadTimeoutSeconds = OptionSpec.integer("upload-timeout-seconds", 1...3600, default: 120,
            help: "How long a request's body may take to arrive (408 after)")
        public static let uploadsPerKey = OptionSpec.integer("uploads-per-key", 1...1000, default: 8,
            help: "Uploads one key may send at once (429 above)")
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
        public static let syncTimeoutSeconds = OptionSpec.integer("sync-timeout-seconds", 1...600, default: 60,
            help: "How long POST /v1.0/removebg waits for its image (503 if no worker took it, 504 if still running)")
        public static let workerNice = OptionSpec.integer("worker-nice", 0...19, default: 19,
            help: "How much lower than the API's threads the workers run (nice value), so that the API answers at once")
        public static let presign = OptionSpec.flag("presign", default: false,
            help: "Output links go straight to the bucket, presigned for signed-link-seconds (S3 blobs)")
        public static let publicBaseURL = OptionSpec<String?>(name: "public-base-url", expected: "an http or https URL",
            default: nil, help: "Output links are this URL plus the blob key (a CDN or public bucket)",
            describe: { $0 ?? "none" }) { raw in
            guard let url = URL(string: raw), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else { return nil }
            return raw.hasSuffix("/") ? raw : raw + "/"
        }
        public static let allowPrivateURLs = OptionSpec.flag("allow-private-urls", default: false,
            help: "Let image_url and webhook_url reach loopback and private addresses")
    }

    public static let catalog = OptionCatalog<ServiceConfig>([
        OptionBinding(Spec.host, \.host),
        OptionBinding(Spec.port, \.port),
        OptionBinding(Spec.role, \.role),
        OptionBinding(Spec.leaseSeconds, \.leaseSeconds),
        OptionBinding(Spec.maxUploadMB, \.maxUploadMB),
        OptionBinding(Spec.idleTimeoutSeconds, \.idleTimeoutSeconds),
        OptionBinding(Spec.uploadTimeoutSeconds, \.uploadTimeoutSeconds),
        OptionBinding(Spec.uploadsPerKey, \.uploadsPerKey),
        OptionBinding(Spec.creditsPerImage, \.creditsPerImage),
        OptionBinding(Spec.ratePerMinute, \.ratePerMinute),
        OptionBinding(Spec.rateBurst, \.rateBurst),
        OptionBinding(Spec.shutdownGraceSeconds, \.shutdownGraceSeconds),
        OptionBinding(Spec.privateOutputs, \.privateOutputs),
        OptionBinding(Spec.signedLinkSeconds, \.signedLinkSeconds),
        OptionBinding(ReviewPolicy.Spec.review, \.review),
        OptionBinding(ReviewPolicy.Spec.reviewBelow, \.reviewBelow),
        OptionBinding(Spec.syncTimeoutSeconds, \.syncTimeoutSeconds),
        OptionBinding(Spec.workerNice, \.workerNice),
        OptionBinding(Spec.presign, \.presign),
        OptionBinding(Spec.publicBaseURL, \.publicBaseURL),
        OptionBinding(Spec.allowPrivateURLs, \.allowPrivateURLs),
    ])

    /// The config file's values, then the environment's `LIGHTBOX_<NAME>`, then `flags`; each
    /// name is a service setting or an engine setting.
    public static func resolve(base: ServiceConfig, file: URL?, flags: [(name: String, value: String)],
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Self {
        var fromFile: [(name: String, value: String)] = []
        if let file {
            guard let data = FileBytes.read(file),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw LightboxError(.invalidOption, "The config file \(file.path) is not a JSON object")
            }
            fromFile = object.sorted { $0.key < $1.key }.map { (name: $0.key, value: "\($0.value)") }
        }
        let isEngine = { (pair: (name: String, value: String)) in EngineSettings.catalog.binding(named: pair.name) != nil }
        var config = try catalog.resolve(fromFile.filter { !isEngine($0) } + catalog.values(in: environment)
                                         + flags.filter { !isEngine($0) }, over: base)
        config.engine = try EngineSettings.resolve(file: fromFile.filter(isEngine), flags: flags.filter(isEngine),
                                                   environment: environment)
        return config
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
    /// The stored name of a background photo (remove.bg's bg_image_url / bg_image_file).
    var backgroundImage: String? = nil
    /// The preset × shadow sheet of the photo rather than one shot (`/v1/image/preset-sheet`).
    var sheet: Bool? = nil
    /// The product's missing angles to draw once its shot is done (`fill_angles`).
    var angles: AngleOptions? = nil
    /// This job draws one missing angle of another job's shot.
    var angle: AngleJob? = nil
}

/// One missing angle: the view, its prompt, the shot it is drawn from, and that shot's job.
struct AngleJob: Codable, Sendable {
    let view: String
    let prompt: String
    /// The stored output (`outputs/NAME`) sent to the edit model.
    let shot: String
    let of: String
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
    /// The product's box on the outputs.
    var foreground: PixelRect?
    /// Made by a generative model (a missing angle): its outputs wait in `pending/` until approved.
    var generated: Bool? = nil
    var angle: AngleBody? = nil
    /// The angles this shot asked for: the jobs queued to draw them, or why none were.
    var angles: AnglesBody? = nil

    struct AngleBody: Codable, Sendable {
        let view: String
        let of: String
        let model: String
    }

    struct AnglesBody: Codable, Sendable {
        var queued: [String] = []
        /// Why no angle was drawn (a text overlay, no generator, drawn before, no credits).
        var declined: String? = nil
    }
}
