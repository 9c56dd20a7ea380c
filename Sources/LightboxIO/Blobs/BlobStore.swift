import Foundation
import LightboxCore

/// Where the service keeps inputs and outputs, by key (`inputs/<sha256>.img`,
/// `outputs/<hash>.<ext>`): a local or shared folder, or an S3-compatible bucket that every
/// API and worker process reaches. Keys name their content, so writing one twice writes
/// the same bytes and a re-run after a crash leaves no second copy.
public protocol BlobStore: Sendable, CustomStringConvertible {
    /// Stores `data` under `key`, whole or not at all.
    func put(_ data: Data, at key: String, contentType: String) async throws
    /// The bytes under `key`, or nil when there are none.
    func get(_ key: String) async throws -> Data?
    func exists(_ key: String) async throws -> Bool
    /// Every key that starts with `prefix`.
    func keys(under prefix: String) async throws -> [String]
    /// A link a client may fetch directly until `lifetime` seconds from now; nil where the
    /// store has no such links (a folder: the API serves its files).
    func presignedURL(for key: String, lifetime: Int) -> URL?
}

public enum BlobKeys {
    public static func input(_ name: String) -> String { "inputs/" + name }
    public static func output(_ name: String) -> String { "outputs/" + name }
    /// A generated image's output, held back until a person approves it.
    public static func pending(_ name: String) -> String { "pending/" + name }
    /// The angle jobs once drawn for the photo with this SHA-256, so that a re-render draws none.
    public static func angles(_ key: String) -> String { "angles/\(key).json" }
    /// A person's fixes to the photo with this SHA-256 (`MatteHints`), as text; empty once removed.
    public static func hints(_ key: String) -> String { "hints/\(key).txt" }
    /// An input's name is its SHA-256 and `.img`: the digest that its hints are kept under.
    public static func digest(ofInput name: String) -> String { name.hasSuffix(".img") ? String(name.dropLast(4)) : name }
}

/// Opens `--blobs`: a folder path, or `s3://bucket/prefix?endpoint=http://host:port`.
public enum BlobStores {
    public static func open(_ location: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        async throws -> any BlobStore {
        if location.hasPrefix("s3://") {
            let store = try S3BlobStore(location, environment: environment)
            try await store.checkBucket()
            return store
        }
        if let scheme = location.range(of: "://").map({ location[..<$0.lowerBound] }) {
            throw LightboxError(.invalidOption, "Expected a folder or s3://bucket/prefix for blobs but received the "
                                + "unknown scheme '\(scheme)://'")
        }
        return FolderBlobStore(root: URL(fileURLWithPath: location))
    }
}

/// Keys as files under a folder (the layout of `--data DIR`), written atomically by `OutputStore`,
/// with the file calls off the caller's thread.
public struct FolderBlobStore: BlobStore {
    public let root: URL

    public init(root: URL) {
        self.root = root
    }

    public var description: String { root.path }

    public func put(_ data: Data, at key: String, contentType: String) async throws {
        let target = url(key)
        try await OffLoop.run { try OutputStore().write(data, to: target) }
    }

    public func get(_ key: String) async throws -> Data? {
        let source = url(key)
        return try await OffLoop.run { FileBytes.read(source) }
    }

    public func exists(_ key: String) async throws -> Bool {
        let path = url(key).path
        return try await OffLoop.run { FileManager.default.fileExists(atPath: path) }
    }

    public func keys(under prefix: String) async throws -> [String] {
        let root = root
        return try await OffLoop.run {
            let base = root.standardizedFileURL.path + "/"
            let entries = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])?
                .allObjects as? [URL] ?? []
            // Regular files only, and not the temporary files of writes in progress (`.NAME.tmp`).
            return entries.filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
                .map { String($0.standardizedFileURL.path.dropFirst(base.count)) }
                .filter { $0.hasPrefix(prefix) && !($0.split(separator: "/").last?.hasPrefix(".") ?? true) }.sorted()
        }
    }

    public func presignedURL(for key: String, lifetime: Int) -> URL? { nil }

    public func url(_ key: String) -> URL { root.appendingPathComponent(key) }
}
