import Foundation
import LightboxCore

/// Reads a batch's SOURCE argument: a folder of images, a CSV or JSONL manifest, or a
/// Magento 2 catalog product export. The kind is told by the file, not by a flag.
public enum CatalogSource {
    public struct Settings: Sendable {
        /// For folders: where the SKU sits in a file's relative path, e.g. "{sku}/*".
        public var skuFrom: String?
        /// For Magento exports: the store's pub/media/catalog/product folder.
        public var mediaRoot: URL?

        public init(skuFrom: String? = nil, mediaRoot: URL? = nil) {
            self.skuFrom = skuFrom
            self.mediaRoot = mediaRoot
        }
    }

    public static func items(from path: String, settings: Settings = Settings()) throws -> [CatalogItem] {
        let url = URL(fileURLWithPath: path)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw SourceError("No such file or folder: \(path)")
        }
        if isFolder.boolValue {
            return try FolderSource(root: url, skuFrom: settings.skuFrom.map(SKUPattern.init)).items()
        }
        guard let data = FileBytes.read(url) else { throw SourceError("Cannot read \(path)") }
        let text = String(decoding: data.starts(with: [0xEF, 0xBB, 0xBF]) ? data.dropFirst(3) : data, as: UTF8.self)
        let folder = url.deletingLastPathComponent()
        switch url.pathExtension.lowercased() {
        case "jsonl", "ndjson":
            return try ManifestSource(folder: folder).items(jsonLines: text)
        case "csv":
            let rows = try CSVRows(text)
            if MagentoExportSource.recognises(rows.header) {
                guard let mediaRoot = settings.mediaRoot else {
                    throw SourceError("\(url.lastPathComponent) is a Magento export: name its images folder with --media-root")
                }
                return try MagentoExportSource(mediaRoot: mediaRoot).items(rows)
            }
            return try ManifestSource(folder: folder).items(rows)
        default:
            throw SourceError("\(url.lastPathComponent) is not a folder, a .csv or a .jsonl manifest")
        }
    }
}
