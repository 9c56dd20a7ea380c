import Foundation
import LightboxCore
import LightboxIO

/// `lightbox batch --fill-angles N`: after the run, a new SKU with fewer than N images gets
/// the missing ones drawn by the edit model from its first image's shot (once per SKU; a
/// re-render draws none), rendered for every store view like the shot, labelled as generated,
/// and kept in `DIR/pending/` as ledger rows waiting for a person (`lightbox review DIR`),
/// who publishes them into the store folders by approving. A photo with text over its
/// background is not sent out.
public struct BatchAngles: Sendable {
    public var fill: Int
    public var redraw = false
    /// nil: guessed from each item's categories.
    public var category: ProductCategory?
    let generator: GenerativeScenes
    let pipeline: Pipeline
    let services: PipelineServices
    let outputFolder: URL
    let ledger: BatchLedger
    let store = OutputStore()

    public init(fill: Int, generator: GenerativeScenes, pipeline: Pipeline = .standard, services: PipelineServices,
                outputFolder: URL, ledger: BatchLedger) {
        self.fill = fill
        self.generator = generator
        self.pipeline = pipeline
        self.services = services
        self.outputFolder = outputFolder
        self.ledger = ledger
    }

    public static let pendingFolder = "pending"

    /// What the angles came to: drawn, declined (with why) and failed, by SKU.
    public struct Summary: Sendable, Encodable {
        public var drawn = 0
        public var declined: [String: String] = [:]
        public var failed: [String: Int] = [:]
    }

    /// `knownBefore`: the SKUs the ledger had before this run; only the others are new.
    public func run(_ plan: BatchPlan, knownBefore: Set<String>) -> Summary {
        var summary = Summary()
        let bySKU = Dictionary(grouping: plan.entries.filter { $0.variant != nil && $0.inputHash != nil }, by: \.item.sku)
        for (sku, entries) in bySKU.sorted(by: { $0.key < $1.key }) {
            let gallery = Set(entries.map(\.item.image.description)).count
            let missing = fill - gallery
            guard missing > 0 else { continue }
            let earlier = ((try? ledger.allEntries()) ?? []).filter { $0.sku == sku && $0.isGeneratedAngle }
            let unfinished = earlier.contains { $0.status == .failed }
            if !redraw, !earlier.isEmpty, !unfinished { continue }
            if !redraw, knownBefore.contains(sku), !unfinished { continue }
            let first = entries.min { $0.item.position < $1.item.position }!
            let heroes = entries.filter { $0.item.image == first.item.image }
            switch draw(sku: sku, heroes: heroes, count: missing) {
            case .drawn(let count): summary.drawn += count
            case .declined(let why): summary.declined[sku] = why
            case .failed(let code): summary.failed[code, default: 0] += 1
            }
        }
        return summary
    }

    enum Outcome {
        case drawn(Int)
        case declined(String)
        case failed(String)
    }

    private func draw(sku: String, heroes: [BatchPlan.Entry], count: Int) -> Outcome {
        guard let hero = heroes.first, let file = hero.file,
              let shotRow = try? ledger.entry(store: hero.store, sku: sku, source: hero.item.image.description),
              shotRow.status == .processed, let shotFile = shotRow.outputs.first,
              let shot = try? Data(contentsOf: outputFolder.appendingPathComponent(shotFile.path)) else {
            return .declined("its first image has no finished shot to draw from")
        }
        let photo: Data
        do { photo = try InputCollector().read(file, limit: hero.variant!.options.limits.maxInputBytes) } catch {
            return .declined("its photo could not be read again: \(Renderer.failure(error, as: .inputUnreadable).message)")
        }
        if let overlay = textOverlay(on: photo, options: hero.variant!.options) {
            let why = "the photo carries \(overlay.summary); a photo that may carry a third-party watermark is not sent out"
            record(hero, view: "*", failure: LightboxError(.textOverlay, why))
            return .declined(why)
        }
        let category = self.category ?? ProductCategory.guess(from: hero.item.categories)
        var drawn = 0
        for angle in AnglePrompts.angles(for: category, count: count) {
            let started = ContinuousClock.now
            let image: Data
            do {
                image = try generator.angle(of: shot, prompt: angle.prompt, canvas: hero.variant!.options.canvas).image
            } catch {
                let failure = Renderer.failure(error, as: .generatorUnavailable)
                heroes.forEach { record($0, view: angle.view, failure: failure) }
                return drawn > 0 ? .drawn(drawn) : .failed(failure.code.rawValue)
            }
            for entry in heroes {
                var options = entry.variant!.options
                options.generatedBy = generator.editModel
                options.textOverlay = .ignore
                let outcome = pipeline.run(image, options: options, services: services)
                if let error = outcome.error {
                    record(entry, view: angle.view, failure: error)
                    continue
                }
                let folder = outputFolder.appendingPathComponent(Self.pendingFolder).appendingPathComponent(entry.store)
                    .appendingPathComponent(SKUFolder.name(sku))
                do {
                    let files = try outcome.outputs.map { image in
                        let written = try store.write(image, into: folder)
                        return BatchLedger.OutputFile(format: image.format.rawValue, path: written.path(under: outputFolder),
                                                      bytes: image.data.count, width: image.size.width, height: image.size.height)
                    }
                    let ms = (ContinuousClock.now - started).milliseconds
                    try ledger.record(row(entry, view: angle.view, status: .processed, outputs: files, qa: outcome.qa?.score,
                                          shot: shotFile.path, ms: ms, message: generator.editModel))
                } catch {
                    record(entry, view: angle.view, failure: Renderer.failure(error, as: .outputFailed))
                }
            }
            drawn += 1
        }
        return .drawn(drawn)
    }

    private func textOverlay(on photo: Data, options: ProcessOptions) -> TextOverlay? {
        var looking = options
        looking.textOverlay = .flag
        let steps = Pipeline(steps: [Decode(), Orient(), ColourManage(), Segment(), FindTextOverlay()])
        return steps.run(photo, options: looking, services: services).textOverlay
    }

    private func record(_ entry: BatchPlan.Entry, view: String, failure: LightboxError) {
        _ = try? ledger.record(row(entry, view: view, status: .failed, outputs: [], qa: nil, shot: nil, ms: 0,
                                   message: failure.message, reason: failure.code.rawValue))
    }

    private func row(_ entry: BatchPlan.Entry, view: String, status: BatchLedger.Status, outputs: [BatchLedger.OutputFile],
                     qa: Double?, shot: String?, ms: Double, message: String?, reason: String? = nil) -> BatchLedger.Entry {
        BatchLedger.Entry(
            store: entry.store, sku: entry.item.sku, source: BatchLedger.Entry.anglePrefix + view, position: entry.item.position,
            inputHash: entry.inputHash, templateHash: entry.variant?.fingerprint ?? "", status: status, reason: reason,
            message: message, outputs: outputs, label: entry.item.label, qaScore: qa, milliseconds: ms, beforeThumbnail: shot,
            afterThumbnail: nil, finishedAt: Date(), reviewReason: status == .processed ? "generated_angle" : nil,
            reviewState: status == .processed ? "pending" : nil)
    }

}

extension BatchLedger.Entry {
    /// Rows of generated angles are named `angle:<view>` where a photo's row names its source.
    public static let anglePrefix = "angle:"

    public var isGeneratedAngle: Bool { source.hasPrefix(Self.anglePrefix) }
    public var angleView: String? { isGeneratedAngle ? String(source.dropFirst(Self.anglePrefix.count)) : nil }
}
