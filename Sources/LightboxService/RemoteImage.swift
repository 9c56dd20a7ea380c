import AsyncHTTPClient
import Foundation
import LightboxCore
import NIOCore
import NIOFoundationCompat

/// Fetches `image_url`: public hosts only, no redirects (each hop would need the same
/// check), a timeout, and the upload limit enforced while reading.
struct RemoteImage {
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(15))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    static func fetch(_ text: String, limit: Int, allowPrivate: Bool) async throws -> Data {
        let url = try PublicURL(text, field: "image_url", allowPrivate: allowPrivate).url
        var request = HTTPClientRequest(url: url.absoluteString)
        request.headers.add(name: "User-Agent", value: "Lightbox")
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .seconds(20))
        } catch {
            throw LightboxError(.urlUnreachable, "image_url could not be fetched from \(url.host ?? "?"): \(error)")
        }
        guard response.status.code == 200 else {
            throw LightboxError(.urlUnreachable, "image_url answered HTTP \(response.status.code)")
        }
        if let length = response.headers.first(name: "Content-Length").flatMap(Int.init), length > limit {
            throw LightboxError(.inputTooLarge, "image_url is \(length) bytes; the limit is \(limit)")
        }
        do {
            return Data(buffer: try await response.body.collect(upTo: limit))
        } catch {
            throw LightboxError(.inputTooLarge, "image_url is over the limit of \(limit) bytes")
        }
    }
}
