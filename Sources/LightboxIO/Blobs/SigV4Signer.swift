import Crypto
import Foundation
import LightboxCore

/// AWS Signature Version 4, as S3-compatible stores expect it: a canonical request (method,
/// URI-encoded path, sorted query, sorted lower-case headers, payload hash), hashed into a
/// string to sign, signed with a key derived from the secret by date, region and service.
/// Written here because no Swift S3 library is available to us; checked against AWS's
/// published test vectors (`SigV4SignerTests`).
public struct SigV4Signer: Sendable {
    public struct Credentials: Sendable {
        public let accessKeyID: String
        public let secretAccessKey: String
        public let sessionToken: String?

        public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
            self.accessKeyID = accessKeyID
            self.secretAccessKey = secretAccessKey
            self.sessionToken = sessionToken
        }
    }

    public static let emptyPayloadHash = SHA256.hash(data: Data()).hex
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"

    let credentials: Credentials
    let region: String
    let service: String

    public init(credentials: Credentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// The headers to send: `headers` (which must hold `host`) plus `x-amz-date`, the session
    /// token if any, and `Authorization`.
    public func sign(method: String, url: URL, headers: [String: String], payloadHash: String,
                     date: Date) -> [String: String] {
        let stamp = Stamp(date)
        var signed = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { $1 })
        signed["x-amz-date"] = stamp.time
        if let token = credentials.sessionToken { signed["x-amz-security-token"] = token }
        let names = signed.keys.sorted()
        let canonicalHeaders = names.map { "\($0):\(Self.trimmed(signed[$0]!))\n" }.joined()
        let request = [method, Self.canonicalPath(url), Self.canonicalQuery(url), canonicalHeaders,
                       names.joined(separator: ";"), payloadHash].joined(separator: "\n")
        let signature = self.signature(of: request, stamp: stamp)
        signed["authorization"] = "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope(stamp)), "
            + "SignedHeaders=\(names.joined(separator: ";")), Signature=\(signature)"
        return signed
    }

    /// A URL anyone may GET until `expires` seconds after `date` (query-string authentication).
    public func presign(method: String = "GET", url: URL, expires: Int, date: Date) -> URL {
        let stamp = Stamp(date)
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false)!
        var items = components.queryItems ?? []
        items += [
            URLQueryItem(name: "X-Amz-Algorithm", value: "AWS4-HMAC-SHA256"),
            URLQueryItem(name: "X-Amz-Credential", value: "\(credentials.accessKeyID)/\(scope(stamp))"),
            URLQueryItem(name: "X-Amz-Date", value: stamp.time),
            URLQueryItem(name: "X-Amz-Expires", value: String(expires)),
            URLQueryItem(name: "X-Amz-SignedHeaders", value: "host"),
        ]
        if let token = credentials.sessionToken { items.append(URLQueryItem(name: "X-Amz-Security-Token", value: token)) }
        components.percentEncodedQuery = Self.encodedQuery(items)
        let unsigned = components.url!
        let request = [method, Self.canonicalPath(unsigned), Self.canonicalQuery(unsigned), "host:\(Self.host(of: url))\n",
                       "host", Self.unsignedPayload].joined(separator: "\n")
        components.percentEncodedQuery! += "&X-Amz-Signature=" + signature(of: request, stamp: stamp)
        return components.url!
    }

    /// `host` or `host:port` as the Host header carries it.
    public static func host(of url: URL) -> String {
        guard let host = url.host else { return "" }
        return url.port.map { "\(host):\($0)" } ?? host
    }

    // MARK: The algorithm

    private func scope(_ stamp: Stamp) -> String { "\(stamp.day)/\(region)/\(service)/aws4_request" }

    private func signature(of canonicalRequest: String, stamp: Stamp) -> String {
        let toSign = ["AWS4-HMAC-SHA256", stamp.time, scope(stamp),
                      SHA256.hash(data: Data(canonicalRequest.utf8)).hex].joined(separator: "\n")
        var key = SymmetricKey(data: Data("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [stamp.day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return HMAC<SHA256>.authenticationCode(for: Data(toSign.utf8), using: key).hex
    }

    /// The path with each segment URI-encoded once (S3 does not encode twice).
    static func canonicalPath(_ url: URL) -> String {
        let path = URLComponents(url: url, resolvingAgainstBaseURL: false)?.path ?? "/"
        guard !path.isEmpty else { return "/" }
        return path.split(separator: "/", omittingEmptySubsequences: false).map { uriEncode(String($0)) }
            .joined(separator: "/")
    }

    /// Query pairs encoded, then sorted by name and value.
    static func canonicalQuery(_ url: URL) -> String {
        let items = URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems ?? []
        let pairs: [(name: String, value: String)] = items.map { (uriEncode($0.name), uriEncode($0.value ?? "")) }
        let sorted = pairs.sorted { (a, b) -> Bool in a.name == b.name ? a.value < b.value : a.name < b.name }
        return sorted.map { pair -> String in pair.name + "=" + pair.value }.joined(separator: "&")
    }

    static func encodedQuery(_ items: [URLQueryItem]) -> String {
        items.map { "\(uriEncode($0.name))=\(uriEncode($0.value ?? ""))" }.joined(separator: "&")
    }

    /// RFC 3986: everything but unreserved characters as %XX, upper-case hex.
    static func uriEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                 UInt8(ascii: "~"):
                out.append(Character(Unicode.Scalar(byte)))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    private static func trimmed(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    /// `20150830T123600Z` and `20150830`, in UTC.
    struct Stamp {
        let time: String
        let day: String

        init(_ date: Date) {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
            time = formatter.string(from: date)
            day = String(time.prefix(8))
        }
    }
}
