import Crypto
import Foundation
import LightboxCore

/// Generated scenes on disk, named by a hash of what was asked, so that a batch of 500
/// SKUs with one prompt makes one call, across runs and processes.
struct SceneCache: Sendable {
    let folder: URL

    static func key(model: String, size: PixelSize, seed: UInt64, prompt: String) -> String {
        let digest = SHA256.hash(data: Data("\(model)\n\(size)\n\(seed)\n\(prompt)".utf8))
        return digest.hex
    }

    func read(_ key: String) -> Data? {
        try? Data(contentsOf: file(key))
    }

    /// Best effort: a scene that cannot be cached is still used.
    func write(_ data: Data, for key: String) {
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try? data.write(to: file(key), options: .atomic)
    }

    private func file(_ key: String) -> URL { folder.appendingPathComponent(key + ".scene") }
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
