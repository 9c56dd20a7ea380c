import AsyncHTTPClient
import Foundation
import LightboxCore
import NIOCore
import NIOFoundationCompat

/// Fetches an image by URL (the API's `image_url`, a manifest's `image`): public hosts only,
/// connected to the address that was checked (`GuardedHTTP`), at most three redirects, each
/// hop checked as a new URL, timeouts, and the upload limit enforced while reading.
public struct RemoteImage {
    public static let maxRedirects = 3

    public static func fetch(_ text: String, field: String = "image_url", limit: Int, allowPrivate: Bool) async throws -> Data {
        var target = try PublicURL(text, field: field, allowPrivate: allowPrivate)
        for hop in 0...maxRedirects {
            var request = HTTPClientRequest(url: target.url.absoluteString)
            request.headers.add(name: "User-Agent", value: "Lightbox")
            let answer: GuardedHTTP.Answer
            do {
                answer = try await GuardedHTTP.send(request, to: target, timeout: .seconds(20), maxBytes: limit)
            } catch GuardedHTTP.Failure.tooLarge(let length) {
                throw LightboxError(.inputTooLarge, length > limit + 1 ? "\(field) is \(length) bytes; the limit is \(limit)"
                                    : "\(field) is over the limit of \(limit) bytes")
            } catch {
                throw LightboxError(.urlUnreachable, "\(field) could not be fetched from \(target.url.host ?? "?")")
            }
            if [301, 302, 303, 307, 308].contains(answer.status) {
                guard hop < maxRedirects else {
                    throw LightboxError(.urlUnreachable, "\(field) redirected more than \(maxRedirects) times")
                }
                guard let location = answer.headers.first(name: "Location"),
                      let next = URL(string: location, relativeTo: target.url)?.absoluteURL else {
                    throw LightboxError(.urlUnreachable, "\(field) answered HTTP \(answer.status) with no Location")
                }
                // The next hop passes the same check, scheme and addresses alike.
                target = try PublicURL(next.absoluteString, field: field, allowPrivate: allowPrivate)
                continue
            }
            guard answer.status == 200 else {
                throw LightboxError(.urlUnreachable, "\(field) answered HTTP \(answer.status)")
            }
            return Data(buffer: answer.body)
        }
        throw LightboxError(.urlUnreachable, "\(field) redirected more than \(maxRedirects) times")
    }
}
