import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The S3-compatible server that `scripts/test.sh` starts on loopback (moto's server mode),
/// named in `LIGHTBOX_TEST_S3`. Each test makes a bucket of its own.
public enum TestS3 {
    public static var endpoint: String {
        guard let url = ProcessInfo.processInfo.environment["LIGHTBOX_TEST_S3"] else {
            fatalError("LIGHTBOX_TEST_S3 is not set: run the tests with scripts/test.sh, which starts the S3 server")
        }
        return url
    }

    /// Test credentials: moto accepts any.
    public static let environment = ["AWS_ACCESS_KEY_ID": "lightbox-test", "AWS_SECRET_ACCESS_KEY": "lightbox-test-secret"]

    /// Creates a bucket and returns `s3://NAME?endpoint=…`; append a prefix before the query as needed.
    public static func freshBucket() async throws -> String {
        let name = "lb-\(UUID().uuidString.prefix(8).lowercased())"
        var request = URLRequest(url: URL(string: "\(endpoint)/\(name)")!)
        request.httpMethod = "PUT"
        let (_, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw URLError(.badServerResponse)
        }
        return "s3://\(name)"
    }

    /// `s3://NAME/PREFIX?endpoint=…` for a bucket from `freshBucket`.
    public static func location(_ bucket: String, prefix: String = "lightbox") -> String {
        "\(bucket)/\(prefix)?endpoint=\(endpoint)"
    }
}
