import Foundation
import LightboxCore

/// Small catalogues made from the real product fixtures: each photo upright, cut by a
/// different few pixels, so that every file has its own bytes.
public enum CatalogueFixtures {
    public static let products = ["bottle-exif8.jpg", "lipstick-exif6.jpg", "lipstick-wall.jpg", "mug-wood.jpg"]

    /// `count` distinct product photos written to `folder` under `name(index)`, at most
    /// `longSide` pixels, so that a debug build processes them quickly.
    @discardableResult
    public static func photos(_ count: Int, in folder: URL, longSide: Int = 360,
                              name: (Int) -> String = { String(format: "SKU-%03d.jpg", $0 + 1) }) throws -> [URL] {
        try Vips.ensureStarted()
        let sources = try products.map { try VipsImage.decode(Fixtures.data($0)).autorotated() }
        return try (0..<count).map { index in
            let source = sources[index % sources.count]
            let cut = 2 + index / sources.count
            let cropped = try source.cropped(to: PixelRect(x: cut, y: cut, width: source.width - 2 * cut,
                                                           height: source.height - 2 * cut))
            let scale = Double(longSide) / Double(cropped.size.longSide)
            let photo = try cropped.resized(horizontal: scale, vertical: scale).bands(0, count: 3)
            let url = folder.appendingPathComponent(name(index))
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try photo.encoded(as: .jpeg).write(to: url)
            return url
        }
    }

    /// A photo with no product in it: it fails QA.
    public static func emptyWall(in folder: URL, name: String) throws -> URL {
        let url = folder.appendingPathComponent(name)
        try Fixtures.data("flat-wall.jpg").write(to: url)
        return url
    }

    /// Every regular file under `folder`, relative to it, sorted.
    public static func files(in folder: URL) -> [String] {
        let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
        var found: [String] = []
        let prefix = folder.standardizedFileURL.path + "/"
        while let url = walker?.nextObject() as? URL {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            found.append(String(url.standardizedFileURL.path.dropFirst(prefix.count)))
        }
        return found.sorted()
    }
}
