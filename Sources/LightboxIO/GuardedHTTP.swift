import AsyncHTTPClient
import Foundation
import LightboxCore
import NIOCore
import NIOHTTP1

/// Requests to a client's URL that connect only where `PublicURL` checked: the checked
/// address stands in for the host name (TLS still verifies the name), so no second DNS lookup
/// happens between the check and the connection. Redirects are not followed here; callers
/// that follow them check each hop as a new `PublicURL`.
public enum GuardedHTTP {
    public struct Answer: Sendable {
        public let status: Int
        public let headers: HTTPHeaders
        public let body: ByteBuffer
    }

    public enum Failure: Error {
        case tooLarge(Int)
    }

    static func configuration(pinning target: PublicURL) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(15))
        if let pinned = target.pinned, let host = target.url.host { configuration.dnsOverride = [host: pinned] }
        return configuration
    }

    /// Sends `request` to `target`, reading at most `maxBytes` of the answer (a `Content-Length`
    /// over it fails before the body is read).
    public static func send(_ request: HTTPClientRequest, to target: PublicURL, timeout: TimeAmount,
                            maxBytes: Int) async throws -> Answer {
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration(pinning: target))
        do {
            let response = try await client.execute(request, timeout: timeout)
            if let length = response.headers.first(name: "Content-Length").flatMap(Int.init), length > maxBytes {
                throw Failure.tooLarge(length)
            }
            let body: ByteBuffer
            do {
                body = try await response.body.collect(upTo: maxBytes)
            } catch is NIOTooManyBytesError {
                throw Failure.tooLarge(maxBytes + 1)
            }
            try await client.shutdown()
            return Answer(status: Int(response.status.code), headers: response.headers, body: body)
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
