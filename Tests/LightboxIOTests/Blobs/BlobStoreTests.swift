import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LightboxCore
import LightboxTestSupport
import Testing

@testable import LightboxIO

/// Both adapters pass the same checks: a folder, and a bucket on the S3-compatible server
/// (moto) that `scripts/test.sh` starts on loopback.
enum BlobKind: String, CaseIterable, CustomStringConvertible {
    case folder, s3

    var description: String { rawValue }

    func make() async throws -> any BlobStore {
        switch self {
        case .folder: return try await BlobStores.open(Fixtures.scratchFolder("blobs").path)
        case .s3: return try await BlobStores.open(TestS3.location(try await TestS3.freshBucket()),
                                                   environment: TestS3.environment)
        }
    }
}

@Suite struct BlobStoreTests {
    @Test(arguments: BlobKind.allCases)
    func whatIsPutIsReadBackAndListed(_ kind: BlobKind) async throws {
        let store = try await kind.make()
        let photo = try Fixtures.data("mug-wood.jpg")
        try await store.put(photo, at: "inputs/abc.img", contentType: "application/octet-stream")
        try await store.put(Data("x".utf8), at: "outputs/0123.jpg", contentType: "image/jpeg")
        #expect(try await store.get("inputs/abc.img") == photo)
        #expect(try await store.exists("outputs/0123.jpg"))
        #expect(try await store.get("outputs/missing.jpg") == nil)
        #expect(try await !store.exists("outputs/missing.jpg"))
        #expect(try await store.keys(under: "outputs/") == ["outputs/0123.jpg"])
        #expect(try await store.keys(under: "").count == 2)
    }

    @Test func aPresignedLinkFetchesTheObjectUntilItExpires() async throws {
        let store = try await BlobKind.s3.make()
        try await store.put(Data("hello".utf8), at: "outputs/h.jpg", contentType: "image/jpeg")
        let link = try #require(store.presignedURL(for: "outputs/h.jpg", lifetime: 600))
        #expect(link.query?.contains("X-Amz-Signature=") == true)
        let (body, response) = try await URLSession.shared.data(from: link)
        #expect((response as? HTTPURLResponse)?.statusCode == 200 && body == Data("hello".utf8))
        let folder = try await BlobKind.folder.make()
        #expect(folder.presignedURL(for: "outputs/h.jpg", lifetime: 600) == nil, "a folder's files are served by the API")
    }

    @Test func aMissingBucketAnUnknownSchemeAndNoCredentialsAreNamed() async throws {
        await #expect { try await BlobStores.open("s3://no-such-bucket?endpoint=\(TestS3.endpoint)", environment: TestS3.environment) }
            throws: { ($0 as? LightboxError)?.message.contains("'no-such-bucket' does not exist") == true }
        await #expect { try await BlobStores.open("ftp://host/folder") }
            throws: { ($0 as? LightboxError)?.message.contains("unknown scheme 'ftp://'") == true }
        await #expect { try await BlobStores.open("s3://b?endpoint=\(TestS3.endpoint)&credentials=/nonexistent", environment: [:]) }
            throws: { ($0 as? LightboxError)?.message.contains("No S3 credentials") == true }
        await #expect { try await BlobStores.open("s3://b?endpoint=http://127.0.0.1:1", environment: TestS3.environment) }
            throws: { ($0 as? LightboxError)?.message.contains("Cannot reach the bucket 'b'") == true }
    }
}
