import Foundation

/// What happened to one (item, store view) in a run: one JSON line each when not on a terminal.
public struct BatchResult: Sendable, Encodable {
    public enum Status: String, Sendable, Encodable {
        case processed, keptOriginal = "kept_original", failed, skipped

        /// A ledger row's status: the same names.
        init(_ recorded: BatchLedger.Status) {
            self.init(rawValue: recorded.rawValue)!
        }
    }

    public let sku: String
    public let store: String
    public let source: String
    public let status: Status
    /// The skip reason, why an original was kept, or the error code.
    public let reason: String?
    public let message: String?
    /// Written files, relative to the output folder.
    public let outputs: [String]
    public let milliseconds: Double?
    /// Served by a render of the same bytes and options for another SKU or an earlier run.
    public let shared: Bool

    init(_ entry: BatchPlan.Entry, status: Status, reason: String? = nil, message: String? = nil, outputs: [String] = [],
         milliseconds: Double? = nil, shared: Bool = false) {
        sku = entry.item.sku
        store = entry.store
        source = entry.item.image.description
        self.status = status
        self.reason = reason
        self.message = message
        self.outputs = outputs
        self.milliseconds = milliseconds
        self.shared = shared
    }

    /// The result of an entry the plan settled without work: a skip or an early failure.
    static func settled(_ entry: BatchPlan.Entry) -> BatchResult? {
        switch entry.action {
        case .skip(let reason): BatchResult(entry, status: .skipped, reason: reason)
        case .fail(let error): BatchResult(entry, status: .failed, reason: error.code.rawValue, message: error.message)
        case .render, .keepOriginal: entry.needsWork ? nil
            : BatchResult(entry, status: .skipped, reason: "remote_not_fetched_in_dry_run")
        }
    }
}

/// The counts a run ends with.
public struct BatchSummary: Sendable, Encodable {
    public var total = 0
    public var processed = 0
    /// Source images read (and segmented once): fewer than the entries worked on when SKUs
    /// share an image or store views share a photo.
    public var distinctImages = 0
    public var skipped: [String: Int] = [:]
    public var failed: [String: Int] = [:]
    public var keptOriginal: [String: Int] = [:]
    public var seconds = 0.0
    public var imagesPerHour = 0.0
    public var peakRssMb = 0
    /// Stopped by a signal before every job ran; a re-run continues.
    public var interrupted = false
    public var notStarted = 0
    /// `--fill-angles`: what the missing angles came to.
    public var angles: BatchAngles.Summary?
    /// `--magento-import`: the file written and what was left out of it.
    public var magentoImport: MagentoImport.Report?

    public mutating func count(_ result: BatchResult) {
        total += 1
        switch result.status {
        case .processed: processed += 1
        case .keptOriginal: keptOriginal[result.reason ?? "unknown", default: 0] += 1
        case .failed: failed[result.reason ?? "unknown", default: 0] += 1
        case .skipped: skipped[result.reason ?? "unknown", default: 0] += 1
        }
    }

    public var failures: Int { failed.values.reduce(0, +) }
}
