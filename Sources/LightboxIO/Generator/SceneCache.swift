import Crypto
import Foundation
import LightboxCore

/// Generated scenes on disk, named by a hash of what was asked, so that a batch of 500
/// SKUs with one prompt makes one call, across runs and processes. Held within `maxBytes`:
/// a read marks a scene used, and a write past the cap removes the least recently used.
struct SceneCache: Sendable {
    static let fileExtension = "scene"
    let folder: URL
    let maxBytes: Int

    static func key(model: String, size: PixelSize, seed: UInt64, prompt: String) -> String {
        let digest = SHA256.hash(data: Data("\(model)\n\(size)\n\(seed)\n\(prompt)".utf8))
        return digest.hex
    }

    func read(_ key: String) -> Data? {
        guard let data = try? Data(contentsOf: file(key)) else { return nil }
        try? FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: file(key).path)
        return data
    }

    /// Best effort: a scene that cannot be cached is still used.
    func write(_ data: Data, for key: String) {
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try? data.write(to: file(key), options: .atomic)
        trim(keeping: file(key))
    }

    /// Removes the least recently used scenes until the rest fit within `maxBytes`.
    private func trim(keeping kept: URL) {
        let keys: [URLResourceKey] = [.fileSizeKey, .contentModificationDateKey]
        let scenes = ((try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: keys)) ?? [])
            .filter { $0.pathExtension == Self.fileExtension }
            .compactMap { url -> (url: URL, bytes: Int, used: Date)? in
                guard let values = try? url.resourceValues(forKeys: Set(keys)) else { return nil }
                return (url, values.fileSize ?? 0, values.contentModificationDate ?? .distantPast)
            }
        var total = scenes.reduce(0) { $0 + $1.bytes }
        for scene in scenes.sorted(by: { $0.used < $1.used }) where total > maxBytes && scene.url.lastPathComponent != kept.lastPathComponent {
            try? FileManager.default.removeItem(at: scene.url)
            total -= scene.bytes
        }
    }

    private func file(_ key: String) -> URL { folder.appendingPathComponent("\(key).\(Self.fileExtension)") }
}

/// Runs one body at a time per key; a caller that waited re-checks the cache first, so
/// workers asking for the same scene at once make one call.
final class SingleFlight: @unchecked Sendable {
    private let condition = NSCondition()
    private var running: Set<String> = []

    func run<T>(_ key: String, _ body: () throws -> T) rethrows -> T {
        condition.lock()
        while running.contains(key) { condition.wait() }
        running.insert(key)
        condition.unlock()
        defer {
            condition.lock()
            running.remove(key)
            condition.broadcast()
            condition.unlock()
        }
        return try body()
    }
}
