import Foundation
import LightboxIO

/// `--magento-import FILE.csv`: what a run changed, as a Magento 2 product import (System ›
/// Data Transfer › Import, Products, "Add/Update"). One row per SKU and store view with an
/// image rendered this run, naming every image of it that is ready to publish; the files are
/// copied into Magento's import images folder under content-hash names, so importing the same
/// file again names the same files. Kept originals, failures and images waiting for a person
/// are left out, and listed.
public struct MagentoImport {
    public static let columns = ["sku", "store_view_code", "base_image", "small_image", "thumbnail_image",
                                 "swatch_image", "additional_images", "base_image_label", "small_image_label",
                                 "thumbnail_image_label", "additional_image_labels"]
    /// Formats Magento's importer takes, best first.
    static let importable = ["jpeg", "png"]
    /// Our store view that stands for Magento's default scope (an empty store_view_code).
    static let defaultScope = "default"

    public struct Row: Sendable {
        public var sku: String
        public var storeViewCode: String
        /// Paths relative to the import images folder, by role.
        public var roles: [ImageRole: String] = [:]
        public var labels: [ImageRole: String] = [:]
        public var additional: [(path: String, label: String)] = []

        /// The row's values in `columns` order.
        public var fields: [String] {
            [sku, storeViewCode] + ImageRole.allCases.map { roles[$0] ?? "" }
                + [additional.map(\.path).joined(separator: ",")]
                + ImageRole.allCases.filter { $0 != .swatch }.map { labels[$0] ?? "" }
                // Magento splits this list on commas, so a label keeps none.
                + [additional.map { $0.label.replacingOccurrences(of: ",", with: " ") }.joined(separator: ",")]
        }
    }

    /// An image of the run that is not in the import, and why.
    public struct LeftOut: Encodable, Equatable, Sendable {
        public let sku: String
        public let store: String
        public let source: String
        public let status: String
        public let reason: String?
    }

    /// What `report.json` says of the import.
    public struct Report: Encodable, Sendable {
        public let file: String
        public let rows: Int
        public let files: Int
        public let leftOut: [LeftOut]
    }

    /// A file to copy: from the batch's output folder to the import folder.
    public struct Copy: Equatable, Sendable {
        public let from: String
        public let to: String
    }

    public let rows: [Row]
    public let copies: [Copy]
    public let leftOut: [LeftOut]

    /// Builds the import from the plan (which images a SKU has, in which roles), this run's
    /// results (what changed) and the ledger (what is on disk now). Does no I/O.
    public init(plan: [BatchPlan.Entry], results: [BatchResult], ledger: [BatchLedger.Entry]) {
        let recorded = Dictionary(ledger.map { (BatchLedger.id(store: $0.store, sku: $0.sku, source: $0.source), $0) },
                                  uniquingKeysWith: { first, _ in first })
        let changed = Set(results.filter { $0.status == .processed }.map { Key(store: $0.store, sku: $0.sku) })
        var rows: [Row] = [], copies: [String: Copy] = [:], leftOut: [LeftOut] = []
        for result in results where result.status == .failed || result.status == .keptOriginal {
            leftOut.append(LeftOut(sku: result.sku, store: result.store, source: result.source,
                                   status: result.status.rawValue, reason: result.reason))
        }
        var order: [Key] = [], images: [Key: [BatchPlan.Entry]] = [:]
        for entry in plan {
            let key = Key(store: entry.store, sku: entry.item.sku)
            guard changed.contains(key) else { continue }
            if images[key] == nil { order.append(key) }
            images[key, default: []].append(entry)
        }
        for key in order {
            let entries = images[key]!.sorted { $0.item.position < $1.item.position }
            let sourceSaysRoles = entries.contains { !$0.item.roles.isEmpty }
            var row = Row(sku: key.sku, storeViewCode: key.store == Self.defaultScope ? "" : key.store)
            for (index, entry) in entries.enumerated() {
                let source = entry.item.image.description
                guard let done = recorded[BatchLedger.id(store: key.store, sku: key.sku, source: source)],
                      done.status == .processed else { continue }
                if let review = done.reviewState, review == "pending" || review == "rejected" {
                    leftOut.append(LeftOut(sku: key.sku, store: key.store, source: source, status: "review_\(review)",
                                           reason: done.reviewReason))
                    continue
                }
                guard let file = Self.importable.lazy.compactMap({ format in done.outputs.first { $0.format == format } }).first else {
                    leftOut.append(LeftOut(sku: key.sku, store: key.store, source: source, status: "not_importable",
                                           reason: "no \(Self.importable.joined(separator: " or ")) output"))
                    continue
                }
                let path = Self.importPath(of: file.path)
                copies[path] = Copy(from: file.path, to: path)
                let roles = sourceSaysRoles ? entry.item.roles : index == 0 ? [.base, .small, .thumbnail] : []
                let label = done.label ?? entry.item.label ?? ""
                for role in roles {
                    row.roles[role] = path
                    if role != .swatch { row.labels[role] = label }
                }
                if roles.isEmpty { row.additional.append((path, label)) }
            }
            if !row.roles.isEmpty || !row.additional.isEmpty { rows.append(row) }
        }
        self.rows = rows
        self.copies = copies.values.sorted { $0.to < $1.to }
        self.leftOut = leftOut
    }

    /// `lightbox/ab/abcdef….jpg`: content-named, spread over folders as Magento spreads its own.
    static func importPath(of output: String) -> String {
        let name = URL(fileURLWithPath: output).lastPathComponent
        return "lightbox/\(name.prefix(2))/\(name)"
    }

    public var csv: String { OutputsManifest.csv(header: Self.columns, rows: rows.map(\.fields)) }

    /// Copies the files into `mediaFolder`, mode 0644 (a file already there under its content
    /// name is the same file and stays), then writes the CSV.
    public func write(to file: URL, mediaFolder: URL, outputFolder: URL) throws -> Report {
        let store = OutputStore()
        for copy in copies {
            let target = mediaFolder.appendingPathComponent(copy.to)
            if FileManager.default.fileExists(atPath: target.path) {
                try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: target.path)
            } else {
                try store.write(try Data(contentsOf: outputFolder.appendingPathComponent(copy.from)), to: target)
            }
        }
        try store.write(Data(csv.utf8), to: file)
        return Report(file: file.path, rows: rows.count, files: copies.count, leftOut: leftOut)
    }

    private struct Key: Hashable {
        let store: String
        let sku: String
    }
}
