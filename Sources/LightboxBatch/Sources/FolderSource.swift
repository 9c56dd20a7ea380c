import Foundation
import LightboxIO

/// Every image under a folder, recursively. The SKU is the file name without its
/// extension, or what `skuFrom` captures from the path relative to the folder. The
/// file's modification time stands for `updated_at`.
struct FolderSource {
    let root: URL
    let skuFrom: SKUPattern?

    func items() throws -> [CatalogItem] {
        let prefix = root.standardizedFileURL.path + "/"
        return InputCollector().collect([root.path]).enumerated().compactMap { index, file in
            let relative = String(file.standardizedFileURL.path.dropFirst(prefix.count))
            let captured = skuFrom.map { $0.match(relative) } ?? SKUPattern.Match(sku: file.deletingPathExtension().lastPathComponent)
            guard let captured else { return nil }
            let modified = (try? FileManager.default.attributesOfItem(atPath: file.path)[.modificationDate]) as? Date
            return CatalogItem(sku: captured.sku, image: .file(file), categories: captured.category.map { [$0] } ?? [],
                               updatedAt: modified, position: index)
        }
    }
}

/// A path pattern such as "{sku}/*" or "{category}/{sku}-*.jpg": `{sku}` and `{category}`
/// capture one path component (or part of one), `*` matches within a component and `**`
/// across them. Paths that do not match are not part of the batch.
struct SKUPattern {
    struct Match: Equatable {
        var sku: String
        var category: String?
    }

    let text: String
    private let expression: NSRegularExpression
    private let captures: [String]

    init(_ text: String) throws {
        self.text = text
        var pattern = "^", captures: [String] = [], rest = Substring(text)
        while let first = rest.first {
            if rest.hasPrefix("{sku}") || rest.hasPrefix("{category}") {
                let name = rest.hasPrefix("{sku}") ? "sku" : "category"
                captures.append(name)
                pattern += "([^/]+?)"
                rest = rest.dropFirst(name.count + 2)
            } else if rest.hasPrefix("**") {
                pattern += ".*"
                rest = rest.dropFirst(2)
            } else {
                pattern += first == "*" ? "[^/]*" : NSRegularExpression.escapedPattern(for: String(first))
                rest = rest.dropFirst()
            }
        }
        guard captures.contains("sku") else {
            throw SourceError("--sku-from '\(text)' must contain {sku}, e.g. '{sku}/*'")
        }
        // A pattern that names only folders matches any file inside the last one.
        if !text.hasSuffix("*"), !text.contains(".") { pattern += "/[^/]+" }
        self.expression = try NSRegularExpression(pattern: pattern + "$")
        self.captures = captures
    }

    func match(_ relativePath: String) -> Match? {
        let range = NSRange(relativePath.startIndex..., in: relativePath)
        guard let found = expression.firstMatch(in: relativePath, range: range) else { return nil }
        var match = Match(sku: "")
        for (index, name) in captures.enumerated() {
            guard let captured = Range(found.range(at: index + 1), in: relativePath) else { continue }
            if name == "sku" { match.sku = String(relativePath[captured]) } else { match.category = String(relativePath[captured]) }
        }
        return match.sku.isEmpty ? nil : match
    }
}
