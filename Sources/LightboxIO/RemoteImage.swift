import AsyncHTTPClient
import Foundation
import LightboxCore
import NIOCore
import NIOFoundationCompat

/// Fetches an image by URL (the API's `image_url`, a manifest's `image`): public hosts
/// only, no redirects (each hop would need the same check), a timeout, and the upload limit enforced while reading.
public struct RemoteImage {
    public static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(15))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    public static func fetch(_ text: String, field: String = "image_url", limit: Int, allowPrivate: Bool) async throws -> Data {
        let url = try PublicURL(text, field: field, allowPrivate: allowPrivate).url
        var request = HTTPClientRequest(url: url.absoluteString)
        request.headers.add(name: "User-Agent", value: "Lightbox")
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .seconds(20))
        } catch {
            throw LightboxError(.urlUnreachable, "\(field) could not be fetched from \(url.host ?? "?"): \(error)")
        }
        guard response.status.code == 200 else {
            throw LightboxError(.urlUnreachable, "\(field) answered HTTP \(response.status.code)")
        }
        if let length = response.headers.first(name: "Content-Length").flatMap(Int.init), length > limit {
            throw LightboxError(.inputTooLarge, "\(field) is \(length) bytes; the limit is \(limit)")
        }
        do {
            return Data(buffer: try await response.body.collect(upTo: limit))
        } catch {
            throw LightboxError(.inputTooLarge, "\(field) is over the limit of \(limit) bytes")
        }
    }
}
