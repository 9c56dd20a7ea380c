import Crypto
import Foundation
import LightboxCore
import LightboxIO

/// What a run will do with every (item, store view) of its source, decided before any
/// image is processed: render, keep the original, skip (and why), or fail at once.
public struct BatchPlan: Sendable {
    public enum Action: Sendable {
        case render
        case keepOriginal(reason: String)
        case skip(reason: String)
        case fail(LightboxError)
    }

    public struct Entry: Sendable {
        public let item: CatalogItem
        public let store: String
        public let variant: BatchTemplate.Variant?
        /// The bytes to read: the item's file, or its download.
        public let file: URL?
        public let inputHash: String?
        public let action: Action
    }

    /// Entries that share one source image (by content), read and segmented once.
    public struct Job: Sendable {
        public let file: URL
        public let inputHash: String
        public let entries: [Entry]
    }

    public let entries: [Entry]

    /// Work to do, in source order: one job per distinct input.
    public var jobs: [Job] {
        var order: [String] = [], grouped: [String: [Entry]] = [:]
        for entry in entries where entry.needsWork {
            let hash = entry.inputHash!
            if grouped[hash] == nil { order.append(hash) }
            grouped[hash, default: []].append(entry)
        }
        return order.map { hash in Job(file: grouped[hash]![0].file!, inputHash: hash, entries: grouped[hash]!) }
    }
}

extension BatchPlan.Entry {
    /// Rendered or copied through, from bytes that were found.
    public var needsWork: Bool {
        guard inputHash != nil, file != nil else { return false }
        switch action {
        case .render, .keepOriginal: return true
        case .skip, .fail: return false
        }
    }
}

/// Builds the plan: selection, inputs located and hashed, store views resolved, and what
/// the ledger says is already done with these bytes and these options.
public struct BatchPlanner {
    public let outputFolder: URL
    public let selection: Selection
    public let template: BatchTemplate
    public let ledger: BatchLedger?
    public let maxInputBytes: Int
    /// Downloads a remote image into a file; nil in a dry run, which fetches nothing.
    public let download: (@Sendable (String) throws -> URL)?
    /// A person's fixes by photo (`--hints`, a service's folder), applied where the options set none.
    public var hints: Renderer.HintLookup?

    public init(outputFolder: URL, selection: Selection, template: BatchTemplate, ledger: BatchLedger?,
                maxInputBytes: Int, download: (@Sendable (String) throws -> URL)?) {
        self.outputFolder = outputFolder
        self.selection = selection
        self.template = template
        self.ledger = ledger
        self.maxInputBytes = maxInputBytes
        self.download = download
    }

    public func plan(_ items: [CatalogItem]) -> BatchPlan {
        var entries: [BatchPlan.Entry] = []
        for decision in selection.decide(items) {
            let item = decision.item
            let stores = item.store.map { [$0] } ?? template.stores
            if let exclusion = decision.exclusion {
                entries += stores.map { .init(item: item, store: $0, variant: nil, file: nil, inputHash: nil,
                                              action: .skip(reason: exclusion.rawValue)) }
                continue
            }
            let located = locate(item)
            for store in stores {
                entries.append(entry(item, store: store, located: located))
            }
        }
        return BatchPlan(entries: entries)
    }

    private func entry(_ item: CatalogItem, store: String, located: Result<(URL, String)?, LightboxError>)
        -> BatchPlan.Entry {
        func make(_ action: BatchPlan.Action, variant: BatchTemplate.Variant? = nil, file: URL? = nil,
                  hash: String? = nil) -> BatchPlan.Entry {
            .init(item: item, store: store, variant: variant, file: file, inputHash: hash, action: action)
        }
        guard template.stores.contains(store) else { return make(.skip(reason: "unknown_store")) }
        var variant: BatchTemplate.Variant
        do {
            variant = try template.variant(store: store, categories: item.categories)
        } catch {
            return make(.fail(error as? LightboxError ?? LightboxError(.invalidOption, "\(error)")))
        }
        switch located {
        case .failure(let error): return make(.fail(error), variant: variant)
        case .success(nil): return make(.render, variant: variant)  // a remote image in a dry run
        case .success(let (file, hash)?):
            if variant.options.matteHints == nil, let fixes = hints?(hash) { variant = template.variant(variant, fixedBy: fixes) }
            if isDone(item, store: store, hash: hash, fingerprint: variant.fingerprint) {
                return make(.skip(reason: "unchanged"), variant: variant, file: file, hash: hash)
            }
            return make(item.skip ? .keepOriginal(reason: "skip_flag") : .render, variant: variant, file: file, hash: hash)
        }
    }

    /// The item's bytes on disk and their hash; nil for a remote image in a dry run.
    private func locate(_ item: CatalogItem) -> Result<(URL, String)?, LightboxError> {
        do {
            let file: URL
            switch item.image {
            case .file(let url): file = url
            case .remote(let text):
                guard let download else { return .success(nil) }
                file = try download(text)
            }
            return .success((file, try hash(of: file)))
        } catch let error as LightboxError {
            return .failure(error)
        } catch {
            return .failure(LightboxError(.inputUnreadable, "\(item.image.description): \(error)"))
        }
    }

    /// SHA-256 of the file, from the ledger when its size and modification time are unchanged.
    private func hash(of file: URL) throws -> String {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file.path, isDirectory: &isFolder), !isFolder.boolValue,
              let attributes = try? FileManager.default.attributesOfItem(atPath: file.path),
              let size = attributes[.size] as? Int, let modified = attributes[.modificationDate] as? Date else {
            throw LightboxError(.inputUnreadable, "No such file: \(file.path)")
        }
        if let known = try? ledger?.knownHash(path: file.path, size: size, modified: modified) { return known }
        let bytes = try InputCollector().read(file, limit: maxInputBytes)
        let hash = SHA256.hash(data: bytes).hex
        try? ledger?.remember(hash: hash, path: file.path, size: size, modified: modified)
        return hash
    }

    /// Done before with the same bytes and options, and its files are still there.
    private func isDone(_ item: CatalogItem, store: String, hash: String, fingerprint: String) -> Bool {
        guard let done = try? ledger?.entry(store: store, sku: item.sku, source: item.image.description),
              done.inputHash == hash, done.templateHash == fingerprint, done.status != .failed else { return false }
        return done.outputs.allSatisfy { FileManager.default.fileExists(atPath: outputFolder.appendingPathComponent($0.path).path) }
    }
}
