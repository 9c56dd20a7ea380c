import Foundation
import HTTPTypes
import Hummingbird
import LightboxCore
import NIOCore
import Synchronization

/// What one key may hold of the service's memory while its bodies arrive: a number of uploads
/// at once, each within the byte limit and the upload timeout. Checked before and while
/// buffering, so a client that opens many slow uploads holds only its share.
final class UploadLimits: Sendable {
    let perKey: Int
    let maxBytes: Int
    let timeout: Duration
    private let inFlight = Mutex<[String: Int]>([:])

    init(config: ServiceConfig) {
        perKey = config.uploadsPerKey
        // Room for the multipart framing and the text fields around the file.
        maxBytes = config.maxUploadBytes + 65_536
        timeout = .seconds(config.uploadTimeoutSeconds)
    }

    /// The request's body, read under the key's share of uploads, the size cap and the deadline.
    func body(of request: Request, account: String) async throws -> ByteBuffer {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBytes {
            throw LightboxError(.inputTooLarge, "The upload is \(length) bytes; the limit is \(maxBytes - 65_536)")
        }
        try take(account)
        defer { release(account) }
        let (maxBytes, timeout) = (maxBytes, timeout)
        return try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask {
                do { return try await request.body.collect(upTo: maxBytes) } catch {
                    throw LightboxError(.inputTooLarge, "The upload is over the limit of \(maxBytes - 65_536) bytes")
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let body = first else {
                throw LightboxError(.requestTimeout, "The request body did not arrive within \(timeout.components.seconds) s")
            }
            return body
        }
    }

    /// How many uploads a key has in flight, for tests.
    func count(_ account: String) -> Int { inFlight.withLock { $0[account] ?? 0 } }

    private func take(_ account: String) throws {
        let admitted = inFlight.withLock { counts in
            guard counts[account, default: 0] < perKey else { return false }
            counts[account, default: 0] += 1
            return true
        }
        guard admitted else {
            throw LightboxError(.rateLimited, "This key already has \(perKey) uploads in progress; send the next when one ends")
        }
    }

    private func release(_ account: String) {
        inFlight.withLock { counts in
            let left = counts[account, default: 1] - 1
            counts[account] = left > 0 ? left : nil
        }
    }
}
