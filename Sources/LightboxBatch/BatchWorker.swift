import Crypto
import Foundation
import LightboxCore
import LightboxIO

extension URL {
    /// This file's path inside `folder`, as the ledger and the manifest write it.
    func path(under folder: URL) -> String {
        String(standardizedFileURL.path.dropFirst(folder.standardizedFileURL.path.count + 1))
    }
}

/// Runs one job on a worker thread: reads the image once, segments it once, renders each
/// distinct set of options once, writes every store view's files and records each entry
/// in the ledger as soon as its files are on disk.
public struct BatchWorker: Sendable {
    public let pipeline: Pipeline
    public let services: PipelineServices
    public let outputFolder: URL
    public let ledger: BatchLedger
    public let maxInputBytes: Int
    /// Which items wait for a person (`--review`): flagged in the ledger, shown by `lightbox review`.
    public let review: ReviewPolicy
    let store = OutputStore()

    static let thumbnailSide = 200
    public static let thumbnailFolder = "report"

    public init(pipeline: Pipeline = .standard, services: PipelineServices, outputFolder: URL, ledger: BatchLedger,
                maxInputBytes: Int, review: ReviewPolicy = ReviewPolicy()) {
        self.review = review
        self.pipeline = pipeline
        self.services = services
        self.outputFolder = outputFolder
        self.ledger = ledger
        self.maxInputBytes = maxInputBytes
    }

    public func run(_ job: BatchPlan.Job) -> [BatchResult] {
        let started = ContinuousClock.now
        let bytes: Data
        do {
            bytes = try InputCollector().read(job.file, limit: maxInputBytes)
        } catch {
            return job.entries.map { failed($0, error, as: .inputUnreadable, ms: 0) }
        }
        let before = thumbnail(of: bytes, name: String(job.inputHash.prefix(32)))
        let renders = render(job, bytes: bytes)
        let milliseconds = (ContinuousClock.now - started).milliseconds
        var served = Set<String>()
        return job.entries.map { entry in
            if case .keepOriginal(let reason) = entry.action {
                return keepOriginal(entry, bytes: bytes, reason: reason, message: nil, qa: nil, before: before, ms: milliseconds)
            }
            let fingerprint = entry.variant!.fingerprint
            let shared = !served.insert(fingerprint).inserted
            return deliver(entry, renders[fingerprint]!, bytes: bytes, before: before, ms: milliseconds, shared: shared)
        }
    }

    /// One render per distinct set of options among the job's entries: an earlier run's
    /// files when they are still there, else this run's, every variant in one pipeline pass.
    private func render(_ job: BatchPlan.Job, bytes: Data) -> [String: Rendered] {
        var renders: [String: Rendered] = [:], fresh: [BatchTemplate.Variant] = []
        for entry in job.entries {
            guard case .render = entry.action, let variant = entry.variant, renders[variant.fingerprint] == nil,
                  !fresh.contains(where: { $0.fingerprint == variant.fingerprint }) else { continue }
            if let earlier = reusable(inputHash: job.inputHash, fingerprint: variant.fingerprint) {
                renders[variant.fingerprint] = earlier
            } else {
                fresh.append(variant)
            }
        }
        let outcomes = pipeline.run(bytes, variants: fresh.map(\.options), services: services)
        for (variant, outcome) in zip(fresh, outcomes) {
            let after = outcome.outputs.first.flatMap { thumbnail(of: $0.data, name: String($0.contentHash.prefix(32))) }
            renders[variant.fingerprint] = .fresh(outcome, afterThumbnail: after)
        }
        return renders
    }

    /// A render: this run's pipeline outcome, or an earlier run's files for the same bytes and options.
    enum Rendered {
        case fresh(PipelineOutcome, afterThumbnail: String?)
        case earlier(BatchLedger.Entry)
    }

    private func reusable(inputHash: String, fingerprint: String) -> Rendered? {
        guard let earlier = try? ledger.render(inputHash: inputHash, templateHash: fingerprint),
              earlier.outputs.allSatisfy({ FileManager.default.fileExists(atPath: url($0.path).path) }) else { return nil }
        return .earlier(earlier)
    }

    private func deliver(_ entry: BatchPlan.Entry, _ rendered: Rendered, bytes: Data, before: String?, ms: Double,
                         shared: Bool) -> BatchResult {
        let skuFolder = folder(of: entry)
        do {
            switch rendered {
            case .earlier(let earlier):
                var files: [BatchLedger.OutputFile] = []
                for file in earlier.outputs {
                    let target = skuFolder.appendingPathComponent(URL(fileURLWithPath: file.path).lastPathComponent)
                    if !FileManager.default.fileExists(atPath: target.path) {
                        try store.write(try Data(contentsOf: url(file.path)), to: target)
                    }
                    var copied = file
                    copied.path = relative(target)
                    files.append(copied)
                }
                return record(entry, .processed, outputs: files, qa: earlier.qaScore, before: before,
                              after: earlier.afterThumbnail, ms: ms, shared: true,
                              flag: review.enabled ? earlier.reviewReason : nil)
            case .fresh(let outcome, let after):
                if let error = outcome.error {
                    guard error.code == .qaFailed else {
                        return record(entry, .failed, reason: error.code.rawValue, message: error.message, ms: ms)
                    }
                    return keepOriginal(entry, bytes: bytes, reason: "qa_failed", message: error.message,
                                        qa: outcome.qa?.score, before: before, ms: ms,
                                        flag: review.reason(failure: error, qa: outcome.qa))
                }
                let files = try Renderer.write(outcome.outputs) { try relative(store.write($0, into: skuFolder)) }.map {
                    BatchLedger.OutputFile(format: $0.image.format.rawValue, path: $0.location, bytes: $0.image.data.count,
                                           width: $0.image.size.width, height: $0.image.size.height)
                }
                return record(entry, .processed, outputs: files, qa: outcome.qa?.score, before: before, after: after,
                              ms: ms, shared: shared, flag: review.reason(failure: nil, qa: outcome.qa))
            }
        } catch {
            return failed(entry, error, as: .outputFailed, ms: ms)
        }
    }

    /// The original bytes, copied through under their own content name and flagged.
    private func keepOriginal(_ entry: BatchPlan.Entry, bytes: Data, reason: String, message: String?, qa: Double?,
                              before: String?, ms: Double, flag: String? = nil) -> BatchResult {
        let format = ImageFormat.sniff(bytes)
        let name = String(entry.inputHash!.prefix(32)) + "." + (format.map(Self.fileExtension) ?? "bin")
        do {
            let target = folder(of: entry).appendingPathComponent(name)
            if !FileManager.default.fileExists(atPath: target.path) { try store.write(bytes, to: target) }
            let size = (try? Decode.probe(bytes, limits: DecodeLimits()).size) ?? PixelSize(width: 0, height: 0)
            let file = BatchLedger.OutputFile(format: format?.rawValue ?? "original", path: relative(target),
                                              bytes: bytes.count, width: size.width, height: size.height)
            return record(entry, .keptOriginal, reason: reason, message: message, outputs: [file], qa: qa, before: before,
                          after: before, ms: ms, flag: flag)
        } catch {
            return failed(entry, error, as: .outputFailed, ms: ms)
        }
    }

    static func fileExtension(_ format: ImageFormat) -> String {
        switch format {
        case .jpeg: "jpg"
        default: format.rawValue
        }
    }

    private func record(_ entry: BatchPlan.Entry, _ status: BatchLedger.Status, reason: String? = nil, message: String? = nil,
                        outputs: [BatchLedger.OutputFile] = [], qa: Double? = nil, before: String? = nil,
                        after: String? = nil, ms: Double, shared: Bool = false, flag: String? = nil) -> BatchResult {
        let row = BatchLedger.Entry(
            store: entry.store, sku: entry.item.sku, source: entry.item.image.description, position: entry.item.position,
            inputHash: entry.inputHash, templateHash: entry.variant?.fingerprint ?? "", status: status, reason: reason,
            message: message, outputs: outputs, label: entry.item.label, qaScore: qa, milliseconds: ms,
            beforeThumbnail: before, afterThumbnail: after, finishedAt: Date(),
            reviewReason: flag, reviewState: flag == nil ? nil : "pending")
        do {
            // The new files are on disk and recorded; what they replace can go.
            for stale in try ledger.record(row) { try? FileManager.default.removeItem(at: url(stale)) }
        } catch {
            return BatchResult(entry, status: .failed, reason: LightboxError.Code.outputFailed.rawValue,
                               message: "The ledger could not record the item: \(error)")
        }
        return BatchResult(entry, status: BatchResult.Status(status), reason: reason, message: message, outputs: outputs.map(\.path),
                           milliseconds: ms, shared: shared)
    }

    /// Writes a contact-sheet thumbnail once; nil when the image cannot be read.
    private func thumbnail(of bytes: Data, name: String) -> String? {
        let path = "\(Self.thumbnailFolder)/\(name).jpg"
        if FileManager.default.fileExists(atPath: url(path).path) { return path }
        guard let jpeg = try? Thumbnail.jpeg(of: bytes, longSide: Self.thumbnailSide, services: services),
              (try? store.write(jpeg, to: url(path))) != nil else { return nil }
        return path
    }

    /// A failure of `entry`: `error` as it is, or as `code` when it is not one of ours.
    private func failed(_ entry: BatchPlan.Entry, _ error: any Error, as code: LightboxError.Code, ms: Double) -> BatchResult {
        let failure = Renderer.failure(error, as: code)
        return record(entry, .failed, reason: failure.code.rawValue, message: failure.message, ms: ms)
    }

    /// `DIR/<store>/<sku>/`.
    private func folder(of entry: BatchPlan.Entry) -> URL {
        outputFolder.appendingPathComponent(entry.store).appendingPathComponent(SKUFolder.name(entry.item.sku))
    }

    private func url(_ relativePath: String) -> URL { outputFolder.appendingPathComponent(relativePath) }

    private func relative(_ file: URL) -> String { file.path(under: outputFolder) }
}
