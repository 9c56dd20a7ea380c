import Crypto
import Foundation
import LightboxCore
import LightboxIO

/// Links to output files. Through the API by default: public (content-hash names cannot be
/// guessed), or signed for private catalogues, `?expires=<unix>&signature=<hex HMAC-SHA256
/// of "file:<name>:<expires>">` with the service's secret, refused once expired or
/// altered. Or straight to the blobs: presigned S3 URLs, or a public base URL plus the key.
struct OutputLinks: Sendable {
    enum Mode: Sendable {
        case api
        case signed(lifetime: TimeInterval)
        case presigned(any BlobStore, lifetime: Int)
        case publicBase(String)
    }

    let secret: Data
    let mode: Mode
    var clock = ServiceClock.system

    /// How long a signed API link lasts; nil when API links are public.
    var lifetime: TimeInterval? {
        if case .signed(let lifetime) = mode { return lifetime }
        return nil
    }

    static func mode(for config: ServiceConfig, blobs: any BlobStore) throws -> Mode {
        if let base = config.publicBaseURL { return .publicBase(base) }
        if config.presign {
            guard blobs.presignedURL(for: BlobKeys.output("x"), lifetime: 1) != nil else {
                throw LightboxError(.invalidOption, "--presign needs S3 blobs; \(blobs) serves its files through the API")
            }
            return .presigned(blobs, lifetime: config.signedLinkSeconds)
        }
        return config.privateOutputs ? .signed(lifetime: Double(config.signedLinkSeconds)) : .api
    }

    func link(_ name: String) -> String {
        switch mode {
        case .api: return "/outputs/files/\(name)"
        case .signed(let lifetime):
            let expires = Int(clock.now().timeIntervalSince1970 + lifetime)
            return "/outputs/files/\(name)?expires=\(expires)&signature=\(signature(name, expires))"
        case .presigned(let blobs, let lifetime):
            return blobs.presignedURL(for: BlobKeys.output(name), lifetime: lifetime)?.absoluteString ?? "/outputs/files/\(name)"
        case .publicBase(let base): return base + BlobKeys.output(name)
        }
    }

    /// Throws `forbidden` (403) for a missing, altered or expired signature on a private link.
    func check(_ name: String, query: [String: String]) throws {
        guard lifetime != nil else { return }
        guard let expires = query["expires"].flatMap(Int.init), let given = query["signature"] else {
            throw LightboxError(.forbidden, "This output needs a signed link: ask GET /v1/image/{id} for a fresh one")
        }
        guard APIKeys.constantTimeEqual(given, signature(name, expires)) else {
            throw LightboxError(.forbidden, "The link's signature does not match")
        }
        guard Double(expires) >= clock.now().timeIntervalSince1970 else {
            throw LightboxError(.forbidden, "The link expired; ask GET /v1/image/{id} for a fresh one")
        }
    }

    private func signature(_ name: String, _ expires: Int) -> String {
        HMAC<SHA256>.authenticationCode(for: Data("file:\(name):\(expires)".utf8), using: SymmetricKey(data: secret)).hex
    }
}
