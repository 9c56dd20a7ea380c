import Foundation
import LightboxCore

/// Where the service keeps its data and how hard it works. Every field has a default.
public struct ServiceConfig: Sendable {
    public var dataFolder: URL
    /// In-process workers; 0 runs the API only.
    public var workers = ProcessInfo.processInfo.activeProcessorCount
    public var lease: Duration = .seconds(60)
    public var maxUploadBytes = 25_000_000
    public var maxMegapixels = 50
    public var creditsPerImage = 1
    /// Per key: requests a minute, and how many may come at once.
    public var ratePerMinute = 600
    public var rateBurst = 60
    /// Let image_url and webhook_url reach loopback and private networks (tests, closed networks).
    public var allowPrivateURLs = false
    /// How long a stopping service waits for the jobs in flight before handing them back.
    public var shutdownGrace: Duration = .seconds(30)
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
