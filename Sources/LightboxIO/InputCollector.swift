import Foundation
import LightboxCore

/// Expands the paths a user names into image files. Folders are searched recursively
/// for image file names; a file named directly is always taken, whatever its name, since
/// its type is read from its bytes.
public struct InputCollector: Sendable {
    static let imageExtensions: Set<String> = ["jpg", "jpeg", "jpe", "png", "webp", "heic", "heif", "avif", "tif", "tiff"]

    public init() {}

    public func collect(_ paths: [String]) -> [URL] {
        paths.flatMap { path -> [URL] in
            let url = URL(fileURLWithPath: path)
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
                return [url]
            }
            return images(in: url)
        }
    }

    private func images(in folder: URL) -> [URL] {
        let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey],
                                                    options: [.skipsHiddenFiles])
        var found: [URL] = []
        while let url = walker?.nextObject() as? URL {
            if Self.imageExtensions.contains(url.pathExtension.lowercased()) { found.append(url) }
        }
        return found.sorted { $0.path < $1.path }
    }

    /// Reads one input, turning file-system failures into a per-item error. A file over
    /// `limit` bytes is refused before it is read.
    public func read(_ url: URL, limit: Int) throws -> Data {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue else {
            throw LightboxError(.inputUnreadable, "No such file: \(url.path)")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        guard size <= limit else {
            throw LightboxError(.inputTooLarge, "\(url.lastPathComponent) is \(size) bytes; the limit is \(limit) bytes")
        }
        guard let data = FileBytes.read(url) else {
            throw LightboxError(.inputUnreadable, "Cannot read \(url.path)")
        }
        return data
    }
}
