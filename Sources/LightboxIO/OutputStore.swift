import Foundation
import LightboxCore

#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#endif

/// Writes files atomically: a temporary file in the same folder, then a rename, so a
/// reader never sees half a file and a crash leaves nothing partial behind.
public struct OutputStore: Sendable {
    public init() {}

    /// Writes `image` as `<folder>/<content-hash>.<ext>`; an existing file of that name
    /// already holds the same bytes and is kept.
    @discardableResult
    public func write(_ image: EncodedImage, into folder: URL) throws -> URL {
        let target = folder.appendingPathComponent(image.fileName)
        if FileManager.default.fileExists(atPath: target.path) { return target }
        try write(image.data, to: target)
        return target
    }

    /// Writes `data` to `target`, replacing it, with mode 0644.
    public func write(_ data: Data, to target: URL) throws {
        let folder = target.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Self.create(temporary.path, holding: data)
            guard rename(temporary.path, target.path) == 0 else { throw POSIXError(.EIO) }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw LightboxError(.outputFailed, "Could not write \(target.lastPathComponent)",
                                detail: "\(target.path): \(error.localizedDescription)")
        }
    }

    /// Writes `data` into a new file, in place and mode 0644. Foundation's `createFile` would
    /// write through a temporary of its own (`.dat.nosync…`), which a kill leaves behind
    /// under a name the sweep below does not know.
    private static func create(_ path: String, holding data: Data) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(descriptor) }
        _ = fchmod(descriptor, 0o644)
        try data.withUnsafeBytes { bytes in
            var written = 0
            while written < bytes.count {
                let count = systemWrite(descriptor, bytes.baseAddress! + written, bytes.count - written)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
                written += count
            }
        }
    }

    /// A process killed mid-write leaves its temporary file (`.NAME.UUID.tmp`) behind; the
    /// finished files were renamed into place whole. Removes those older than `age` seconds
    /// (younger ones may be another process's write in progress) in `folders` and, with
    /// `recursive`, in every folder below them.
    public static func removeUnfinishedWrites(in folders: [URL], olderThan age: TimeInterval, recursive: Bool = false) {
        for folder in folders {
            let files: [URL] = recursive
                ? (FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?.allObjects as? [URL] ?? [])
                : ((try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? [])
            for file in files where file.lastPathComponent.hasPrefix(".") && file.lastPathComponent.hasSuffix(".tmp") {
                let modified = (try? FileManager.default.attributesOfItem(atPath: file.path))?[.modificationDate] as? Date
                if let modified, Date().timeIntervalSince(modified) >= age { try? FileManager.default.removeItem(at: file) }
            }
        }
    }
}
