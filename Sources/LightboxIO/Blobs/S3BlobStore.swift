import AsyncHTTPClient
import Crypto
import Foundation
import LightboxCore
import NIOCore
import NIOFoundationCompat

/// Keys as objects in an S3-compatible bucket, over AsyncHTTPClient with SigV4 signing:
/// `s3://bucket/prefix?endpoint=http://host:port&region=us-east-1&style=path|virtual`.
/// Without `endpoint` it is AWS (`https://bucket.s3.REGION.amazonaws.com`, virtual-host
/// style); with one, path style unless `style=virtual`. Credentials come from
/// `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` (and `AWS_SESSION_TOKEN`), else from the
/// file in `credentials=FILE` or the shared AWS credentials file; they are never printed.
public struct S3BlobStore: BlobStore {
    public let bucket: String
    public let prefix: String
    let endpoint: URL
    let virtualHost: Bool
    let signer: SigV4Signer

    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(3), read: .seconds(60))
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 16)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    public init(_ location: String, environment: [String: String]) throws {
        guard let components = URLComponents(string: location), components.scheme == "s3",
              let bucket = components.host, !bucket.isEmpty else {
            throw LightboxError(.invalidOption, "Expected s3://bucket/prefix?endpoint=http://host:port for blobs but "
                                + "received '\(location)'")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        let region = query["region"] ?? environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? "us-east-1"
        self.bucket = bucket
        let path = components.path.drop(while: { $0 == "/" })
        prefix = path.isEmpty || path.hasSuffix("/") ? String(path) : path + "/"
        if let given = query["endpoint"] {
            guard let url = URL(string: given), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw LightboxError.invalidOption("blobs endpoint", expected: "an http or https URL", received: given)
            }
            endpoint = url
            virtualHost = query["style"] == "virtual"
        } else {
            endpoint = URL(string: "https://s3.\(region).amazonaws.com")!
            virtualHost = query["style"] != "path"
        }
        signer = SigV4Signer(credentials: try Self.credentials(environment, file: query["credentials"]), region: region)
    }

    public var description: String { "s3://\(bucket)/\(prefix) at \(endpoint.absoluteString)" }

    /// Fails at start, naming the problem, when the bucket is missing, refuses the
    /// credentials, or cannot be reached.
    func checkBucket() async throws {
        let response = try await send("HEAD", bucketURL(query: ""), body: Data())
        switch response.status {
        case 200..<300: return
        case 404: throw LightboxError(.storageUnavailable, "The bucket '\(bucket)' does not exist at \(endpoint.absoluteString)")
        case 401, 403:
            throw LightboxError(.storageUnavailable, "The bucket '\(bucket)' at \(endpoint.absoluteString) refused the "
                                + "credentials (HTTP \(response.status))")
        default:
            throw LightboxError(.storageUnavailable, "The bucket '\(bucket)' answered HTTP \(response.status)")
        }
    }

    public func put(_ data: Data, at key: String, contentType: String) async throws {
        let response = try await send("PUT", objectURL(key), body: data, headers: ["content-type": contentType])
        guard (200..<300).contains(response.status) else {
            throw LightboxError(.storageUnavailable, "Storing \(key) in the bucket '\(bucket)' failed: HTTP \(response.status)")
        }
    }

    public func get(_ key: String) async throws -> Data? {
        let response = try await send("GET", objectURL(key), body: Data())
        switch response.status {
        case 200: return response.body
        case 404: return nil
        default: throw LightboxError(.storageUnavailable, "Reading \(key) from the bucket '\(bucket)' failed: HTTP \(response.status)")
        }
    }

    public func exists(_ key: String) async throws -> Bool {
        let response = try await send("HEAD", objectURL(key), body: Data())
        switch response.status {
        case 200: return true
        case 404: return false
        default: throw LightboxError(.storageUnavailable, "Looking up \(key) in the bucket '\(bucket)' failed: HTTP \(response.status)")
        }
    }

    public func keys(under keyPrefix: String) async throws -> [String] {
        var keys: [String] = []
        var token: String?
        repeat {
            var items = [URLQueryItem(name: "list-type", value: "2"), URLQueryItem(name: "prefix", value: prefix + keyPrefix)]
            if let token { items.append(URLQueryItem(name: "continuation-token", value: token)) }
            let response = try await send("GET", bucketURL(query: SigV4Signer.encodedQuery(items)), body: Data())
            guard response.status == 200 else {
                throw LightboxError(.storageUnavailable, "Listing the bucket '\(bucket)' failed: HTTP \(response.status)")
            }
            let listing = String(decoding: response.body, as: UTF8.self)
            keys += Self.elements("Key", in: listing).map { String($0.dropFirst(prefix.count)) }
            token = Self.elements("IsTruncated", in: listing).first == "true"
                ? Self.elements("NextContinuationToken", in: listing).first : nil
        } while token != nil
        return keys.sorted()
    }

    public func presignedURL(for key: String, lifetime: Int) -> URL? {
        signer.presign(url: objectURL(key), expires: lifetime, date: Date())
    }

    // MARK: Requests

    func objectURL(_ key: String) -> URL {
        let path = (prefix + key).split(separator: "/").map { SigV4Signer.uriEncode(String($0)) }.joined(separator: "/")
        return URL(string: baseURL().absoluteString + path)!
    }

    private func bucketURL(query: String) -> URL {
        URL(string: baseURL().absoluteString + (query.isEmpty ? "" : "?" + query))!
    }

    /// `scheme://host[:port]/bucket/` (path style) or `scheme://bucket.host[:port]/` (virtual host).
    private func baseURL() -> URL {
        var components = URLComponents(url: endpoint, resolvingAgainstBaseURL: false)!
        let path = components.path.hasSuffix("/") ? components.path : components.path + "/"
        if virtualHost {
            components.host = "\(bucket).\(components.host ?? "")"
            components.path = path
        } else {
            components.path = path + bucket + "/"
        }
        return components.url!
    }

    struct Answer {
        let status: Int
        let body: Data
    }

    /// One signed request; 5xx answers are tried three times with backoff, and a connection
    /// that failed (which AsyncHTTPClient already retried for its connect timeout) twice.
    private func send(_ method: String, _ url: URL, body: Data, headers: [String: String] = [:]) async throws -> Answer {
        var attempt = 0
        while true {
            attempt += 1
            do {
                let answer = try await sendOnce(method, url, body: body, headers: headers)
                if answer.status >= 500, attempt < 3 {
                    try await Task.sleep(for: .milliseconds(200 << attempt))
                    continue
                }
                return answer
            } catch let error as LightboxError {
                throw error
            } catch {
                guard attempt < 2 else {
                    throw LightboxError(.storageUnavailable, "Cannot reach the bucket '\(bucket)' at "
                                        + "\(endpoint.absoluteString): \(error)")
                }
                try await Task.sleep(for: .milliseconds(200 << attempt))
            }
        }
    }

    private func sendOnce(_ method: String, _ url: URL, body: Data, headers: [String: String]) async throws -> Answer {
        var unsigned = headers
        unsigned["host"] = SigV4Signer.host(of: url)
        unsigned["x-amz-content-sha256"] = SHA256.hash(data: body).hex
        let signed = signer.sign(method: method, url: url, headers: unsigned,
                                 payloadHash: unsigned["x-amz-content-sha256"]!, date: Date())
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .RAW(value: method)
        for (name, value) in signed where name != "host" { request.headers.add(name: name, value: value) }
        if method == "PUT" { request.body = .bytes(ByteBuffer(data: body)) }
        let response = try await Self.client.execute(request, timeout: .seconds(60))
        let bytes = method == "HEAD" ? ByteBuffer() : try await response.body.collect(upTo: 1 << 30)
        return Answer(status: Int(response.status.code), body: Data(buffer: bytes))
    }

    // MARK: Parsing

    /// The texts of `<name>…</name>` elements in an S3 XML answer.
    static func elements(_ name: String, in xml: String) -> [String] {
        xml.components(separatedBy: "<\(name)>").dropFirst().compactMap { part in
            part.range(of: "</\(name)>").map { unescape(String(part[..<$0.lowerBound])) }
        }
    }

    private static func unescape(_ text: String) -> String {
        [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&apos;", "'"), ("&amp;", "&")]
            .reduce(text) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
    }

    static func credentials(_ environment: [String: String], file: String?) throws -> SigV4Signer.Credentials {
        if let id = environment["AWS_ACCESS_KEY_ID"], let secret = environment["AWS_SECRET_ACCESS_KEY"] {
            return .init(accessKeyID: id, secretAccessKey: secret, sessionToken: environment["AWS_SESSION_TOKEN"])
        }
        let path = file ?? environment["AWS_SHARED_CREDENTIALS_FILE"] ?? (environment["HOME"] ?? "") + "/.aws/credentials"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw LightboxError(.invalidOption, "No S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or name "
                                + "a credentials file with ?credentials=FILE (\(path) cannot be read)")
        }
        // The shared credentials file's [default] section, or a file of key = value lines.
        var values: [String: String] = [:]
        var section = "default"
        for line in text.split(whereSeparator: \.isNewline).map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if line.hasPrefix("[") { section = line.trimmingCharacters(in: CharacterSet(charactersIn: "[]")); continue }
            let pair = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if section == "default", pair.count == 2 { values[pair[0].lowercased()] = pair[1] }
        }
        guard let id = values["aws_access_key_id"], let secret = values["aws_secret_access_key"] else {
            throw LightboxError(.invalidOption, "The credentials file \(path) has no aws_access_key_id and "
                                + "aws_secret_access_key")
        }
        return .init(accessKeyID: id, secretAccessKey: secret, sessionToken: values["aws_session_token"])
    }
}
