import Crypto
import Foundation
import LightboxCore
import Yams

/// A brand's specs, written once: pipeline options by their CLI names at the top, then
/// per category and per store view (and per category within a store view). YAML, so JSON
/// works too. See the README for a complete example.
///
/// Layers apply in this order, later ones winning: the command line, the top level,
/// `categories.<name>`, `stores.<store>`, `stores.<store>.categories.<name>`.
public struct BatchTemplate: Sendable {
    /// One section's option values, in the order written, and a watermark image if it names one.
    struct Layer: Sendable {
        var values: [(name: String, value: String)] = []
        var watermarkImage: Data?
        var categories: [(name: String, layer: Layer)] = []
    }

    public static let defaultStore = "default"

    /// The store views, in the order written; one, "default", when the template names none.
    public let stores: [String]
    /// What of the engine changes pixels, part of every variant's fingerprint.
    let engine: String
    let top: Layer
    let storeLayers: [String: Layer]
    let baseOptions: ProcessOptions

    /// What one (store view, category) renders with, and a digest of it for the ledger.
    public struct Variant: Sendable {
        public let store: String
        public let options: ProcessOptions
        public let fingerprint: String
    }

    /// No template: every item once, with the command line's options, in store view "default".
    public init(options: ProcessOptions, engine: EngineSettings = EngineSettings()) {
        self.engine = engine.renderingText
        baseOptions = options
        top = Layer()
        storeLayers = [:]
        stores = [Self.defaultStore]
    }

    public init(file: URL, options: ProcessOptions, engine: EngineSettings = EngineSettings()) throws {
        guard let data = FileBytes.read(file) else {
            throw LightboxError(.invalidOption, "Cannot read the template \(file.path)")
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: String(decoding: data, as: UTF8.self))
        } catch {
            throw LightboxError(.invalidOption, "The template \(file.lastPathComponent) is not valid YAML or JSON: \(error)")
        }
        let reader = LayerReader(folder: file.deletingLastPathComponent())
        let root = try node.map { try reader.mapping($0, at: "template") } ?? []
        let top = try reader.layer(root.filter { $0.key != "stores" }, at: "template", allowsCategories: true)
        var stores: [String] = [], storeLayers: [String: Layer] = [:]
        if let storesNode = root.first(where: { $0.key == "stores" })?.value {
            for (name, value) in try reader.mapping(storesNode, at: "stores") {
                guard (1...64).contains(name.count), name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                    throw LightboxError(.invalidOption, "template: store view '\(name)' must be letters, digits, - or _")
                }
                stores.append(name)
                storeLayers[name] = try reader.layer(reader.mapping(value, at: "stores.\(name)"), at: "stores.\(name)",
                                                     allowsCategories: true)
            }
        }
        self.engine = engine.renderingText
        self.top = top
        self.storeLayers = storeLayers
        self.stores = stores.isEmpty ? [Self.defaultStore] : stores
        baseOptions = options
        try validateEveryVariant()
    }

    /// The options for `store` and an item in `categories`.
    public func variant(store: String, categories: [String]) throws -> Variant {
        var layers = [top]
        if let section = Self.section(top.categories, for: categories) { layers.append(section) }
        if let storeLayer = storeLayers[store] {
            layers.append(storeLayer)
            if let section = Self.section(storeLayer.categories, for: categories) { layers.append(section) }
        }
        var options = baseOptions
        if let image = layers.last(where: { $0.watermarkImage != nil })?.watermarkImage { options.watermark.image = image }
        // The command line's values are already in `baseOptions`; templates set per-image options only.
        options = try ProcessOptions.resolve(layers.flatMap(\.values), over: options)
        return Variant(store: store, options: options, fingerprint: options.fingerprint(extra: [engine]))
    }

    /// `variant` with a person's fixes for one photo; its fingerprint changes with them, so that
    /// a render made before the fix is not taken for this one.
    public func variant(_ variant: Variant, fixedBy hints: MatteHints) -> Variant {
        var options = variant.options
        options.matteHints = hints
        return Variant(store: variant.store, options: options, fingerprint: options.fingerprint(extra: [engine]))
    }

    /// The first section whose name is one of the item's categories (or a component of one).
    static func section(_ sections: [(name: String, layer: Layer)], for categories: [String]) -> Layer? {
        sections.first { Selection.categories(categories, include: $0.name) }?.layer
    }

    /// A bad value anywhere fails the whole template before any work starts.
    private func validateEveryVariant() throws {
        let sections = top.categories.map(\.name) + storeLayers.values.flatMap { $0.categories.map(\.name) }
        for store in stores {
            for section in [nil] + sections {
                do {
                    _ = try variant(store: store, categories: section.map { [$0] } ?? [])
                } catch let error as LightboxError {
                    let place = "stores.\(store)" + (section.map { " (category \($0))" } ?? "")
                    throw LightboxError(error.code, "template, \(place): \(error.message)")
                }
            }
        }
    }
}

/// Turns YAML nodes into layers, naming where a problem is.
private struct LayerReader {
    let folder: URL

    static let watermarkFields = ["text": "watermark", "opacity": "watermark-opacity", "position": "watermark-position",
                                  "size": "watermark-size", "font": "watermark-font"]

    func mapping(_ node: Node, at place: String) throws -> [(key: String, value: Node)] {
        guard case .mapping(let mapping) = node else {
            throw LightboxError(.invalidOption, "\(place) must be a mapping of names to values")
        }
        return try mapping.map { key, value in
            guard let name = key.string else { throw LightboxError(.invalidOption, "\(place) has a key that is not text") }
            return (name, value)
        }
    }

    func layer(_ entries: [(key: String, value: Node)], at place: String, allowsCategories: Bool) throws -> BatchTemplate.Layer {
        var layer = BatchTemplate.Layer()
        for (key, value) in entries {
            switch key {
            case "categories" where allowsCategories:
                for (name, section) in try mapping(value, at: "\(place).categories") {
                    layer.categories.append((name, try self.layer(mapping(section, at: "\(place).categories.\(name)"),
                                                                  at: "\(place).categories.\(name)", allowsCategories: false)))
                }
            case "watermark":
                if case .mapping = value {
                    try watermark(mapping(value, at: "\(place).watermark"), at: place, into: &layer)
                } else {
                    layer.values.append(("watermark", try scalar(value, at: "\(place).watermark")))
                }
            default:
                guard ProcessOptions.catalog.binding(named: key) != nil else {
                    throw LightboxError(.invalidOption, "\(place): unknown option '\(key)'")
                }
                layer.values.append((key, try scalar(value, at: "\(place).\(key)")))
            }
        }
        return layer
    }

    private func watermark(_ entries: [(key: String, value: Node)], at place: String, into layer: inout BatchTemplate.Layer) throws {
        for (key, value) in entries {
            let text = try scalar(value, at: "\(place).watermark.\(key)")
            if key == "image" {
                let url = text.hasPrefix("/") ? URL(fileURLWithPath: text) : folder.appendingPathComponent(text)
                guard let bytes = FileBytes.read(url) else {
                    throw LightboxError(.invalidOption, "\(place).watermark.image: cannot read \(url.path)")
                }
                layer.watermarkImage = bytes
                // The digest joins the fingerprint; the path itself does not matter.
                continue
            }
            guard let option = Self.watermarkFields[key] else {
                throw LightboxError(.invalidOption, "\(place).watermark: unknown field '\(key)' "
                                    + "(text, image, opacity, position, size, font)")
            }
            layer.values.append((option, text))
        }
    }

    private func scalar(_ node: Node, at place: String) throws -> String {
        switch node {
        case .scalar(let scalar): return scalar.string
        case .sequence(let items):
            // `format: [avif, webp, jpeg]` reads as the comma list.
            return try items.map { try scalar($0, at: place) }.joined(separator: ",")
        default: throw LightboxError(.invalidOption, "\(place) must be a single value")
        }
    }
}
