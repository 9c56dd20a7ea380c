import Crypto
import Foundation
import LightboxCore
import LightboxIO

/// Remote manifest images, fetched once into DIR/.downloads under the hash of their URL.
public struct Downloads: Sendable {
    let folder: URL
    let limit: Int
    let allowPrivate: Bool

    public init(folder: URL, limit: Int, allowPrivate: Bool) {
        self.folder = folder
        self.limit = limit
        self.allowPrivate = allowPrivate
    }

    /// Where the image at `url` is kept once fetched for the batch writing `folder`.
    public static func file(for url: String, in folder: URL) -> URL {
        folder.appendingPathComponent(".downloads").appendingPathComponent(SHA256.hash(data: Data(url.utf8)).prefix(16).hex)
    }

    public func fetch(_ text: String) throws -> URL {
        let target = Self.file(for: text, in: folder)
        if FileManager.default.fileExists(atPath: target.path) { return target }
        let box = ResultBox()
        let done = DispatchSemaphore(value: 0)
        Task { [limit, allowPrivate] in
            do {
                box.set(.success(try await RemoteImage.fetch(text, field: "image", limit: limit, allowPrivate: allowPrivate)))
            } catch {
                box.set(.failure(error))
            }
            done.signal()
        }
        done.wait()
        try OutputStore().write(try box.get(), to: target)
        return target
    }

    private final class ResultBox: @unchecked Sendable {
        // Written once by the task before the semaphore is signalled; read after the wait.
        private var result: Result<Data, any Error> = .failure(CancellationError())
        func set(_ value: Result<Data, any Error>) { result = value }
        func get() throws -> Data { try result.get() }
    }
}
