import Crypto
import Foundation
import LightboxCore

/// Links to output files. Public by default (content-hash names cannot be guessed); for
/// private catalogues, signed: `?expires=<unix>&signature=<hex HMAC-SHA256 of "file:<name>:<expires>">`
/// with the service's secret, refused once expired or altered.
struct OutputLinks: Sendable {
    let secret: Data
    /// Nil: public links.
    let lifetime: TimeInterval?

    func link(_ name: String, now: Date = Date()) -> String {
        guard let lifetime else { return "/outputs/files/\(name)" }
        let expires = Int(now.timeIntervalSince1970 + lifetime)
        return "/outputs/files/\(name)?expires=\(expires)&signature=\(signature(name, expires))"
    }

    /// Throws `forbidden` (403) for a missing, altered or expired signature on a private link.
    func check(_ name: String, query: [String: String], now: Date = Date()) throws {
        guard lifetime != nil else { return }
        guard let expires = query["expires"].flatMap(Int.init), let given = query["signature"] else {
            throw LightboxError(.forbidden, "This output needs a signed link: ask GET /v1/image/{id} for a fresh one")
        }
        guard APIKeys.constantTimeEqual(given, signature(name, expires)) else {
            throw LightboxError(.forbidden, "The link's signature does not match")
        }
        guard Double(expires) >= now.timeIntervalSince1970 else {
            throw LightboxError(.forbidden, "The link expired; ask GET /v1/image/{id} for a fresh one")
        }
    }

    private func signature(_ name: String, _ expires: Int) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data("file:\(name):\(expires)".utf8), using: SymmetricKey(data: secret))
        return Data(code).map { String(format: "%02x", $0) }.joined()
    }
}
