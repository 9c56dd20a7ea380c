import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LightboxCore
import LightboxIO
import LightboxJobs
import LightboxService
import LightboxTestSupport
import NIOCore
import NIOFoundationCompat
import Testing

/// The API driven in process, without a port, on both set-ups: the embedded one (SQLite and
/// a folder) and the scaled-out one (PostgreSQL and an S3 bucket), with the time in the
/// test's hands.
enum Backends: String, CaseIterable, CustomStringConvertible {
    case embedded, scaledOut

    var description: String { rawValue }

    func make() async throws -> (store: any JobStore, blobs: any BlobStore) {
        switch self {
        case .embedded:
            let folder = try Fixtures.scratchFolder("router")
            return (try SQLiteJobStore(path: folder.appendingPathComponent("lightbox.sqlite")), FolderBlobStore(root: folder))
        case .scaledOut:
            let store = try await PostgresJobStore.open(PostgresURL(TestPostgres.freshDatabase("router")))
            let blobs = try await BlobStores.open(TestS3.location(try await TestS3.freshBucket()),
                                                  environment: TestS3.environment)
            return (store, blobs)
        }
    }
}

@Suite struct RouterTests {
    let time = TestClock(Date(timeIntervalSince1970: 1_795_000_000))

    private func app(_ backends: Backends, configure: (inout ServiceConfig) -> Void = { _ in })
        async throws -> (app: some ApplicationProtocol, store: any JobStore, blobs: any BlobStore, key: String) {
        let (store, blobs) = try await backends.make()
        var config = ServiceConfig(dataFolder: nil, database: "unused", blobs: "unused")
        config.workers = 0
        configure(&config)
        let router = try buildRouter(config: config, store: store, blobs: blobs, clock: time.clock,
                                     secret: Data(repeating: 1, count: 32))
        let issued = APIKeys.issue()
        try await store.createAccount(id: issued.account, keyHash: issued.hash, credits: 10)
        return (Application(router: router), store, blobs, issued.key)
    }

    private func submit(_ client: some TestClientProtocol, key: String, fields: [(String, String)],
                        headers: [String: String] = [:]) async throws -> TestResponse {
        let (body, type) = APIClient.multipart(image: try Fixtures.data("lipstick-small.jpg"), fields: fields)
        var fieldsOut: HTTPFields = [.authorization: "Bearer \(key)", .contentType: type]
        for (name, value) in headers { fieldsOut[HTTPField.Name(name)!] = value }
        return try await client.execute(uri: "/v1/image/product-photo", method: .post, headers: fieldsOut,
                                        body: ByteBuffer(data: body))
    }

    private func json(_ response: TestResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:]
    }

    @Test(arguments: Backends.allCases)
    func aPresetAndAPromptInTheOtherOrderAreNotDeduplicatedOntoOneJob(_ backends: Backends) async throws {
        let (app, store, _, key) = try await app(backends)
        try await app.test(.router) { client in
            let promptLast = try await submit(client, key: key, fields: [("preset", "marble"),
                                                                         ("background_prompt", "a sunny kitchen")])
            let presetLast = try await submit(client, key: key, fields: [("background_prompt", "a sunny kitchen"),
                                                                         ("preset", "marble")])
            let again = try await submit(client, key: key, fields: [("preset", "marble"),
                                                                    ("background_prompt", "a sunny kitchen")])
            #expect(promptLast.status == .accepted && presetLast.status == .accepted)
            let ids = [promptLast, presetLast, again].map { json($0)["generation_id"] as? String }
            #expect(ids[0] != ids[1], "two different pictures are two jobs")
            #expect(ids[0] == ids[2], "the same request again is the same job")
        }
        #expect(try await store.counts()[.queued] == 2)
    }

    @Test(arguments: Backends.allCases)
    func anIdempotencyKeyExpiresAfterADayOnTheInjectedClock(_ backends: Backends) async throws {
        let (app, store, blobs, key) = try await app(backends)
        try await app.test(.router) { client in
            let first = try await submit(client, key: key, fields: [], headers: ["Idempotency-Key": "sku-1"])
            time.advance(by: 23 * 3600)
            let sameDay = try await submit(client, key: key, fields: [("size", "600x600")],
                                           headers: ["Idempotency-Key": "sku-1"])
            #expect(sameDay.status == .unprocessableContent)
            time.advance(by: 3600 + 1)
            let nextDay = try await submit(client, key: key, fields: [("size", "600x600")],
                                           headers: ["Idempotency-Key": "sku-1"])
            #expect(nextDay.status == .accepted)
            #expect(json(nextDay)["generation_id"] as? String != json(first)["generation_id"] as? String)
        }
        #expect(try await store.account(id: String(key.split(separator: "_")[1]))?.reserved == 2)
        let photo = try Fixtures.data("lipstick-small.jpg")
        let inputs = try await blobs.keys(under: "inputs/")
        #expect(inputs.count == 1, "one photo stored once")
        #expect(try await blobs.get(inputs[0]) == photo)
    }

    @Test(arguments: Backends.allCases)
    func outputsAreServedFromTheBlobStore(_ backends: Backends) async throws {
        let (app, _, blobs, _) = try await app(backends)
        let jpeg = try Fixtures.data("lipstick-small.jpg")
        let name = String(repeating: "ab", count: 16) + ".jpg"
        try await blobs.put(jpeg, at: BlobKeys.output(name), contentType: "image/jpeg")
        try await app.test(.router) { client in
            let file = try await client.execute(uri: "/outputs/files/\(name)", method: .get)
            #expect(file.status == .ok && Data(buffer: file.body) == jpeg && file.headers[.contentType] == "image/jpeg")
            let missing = try await client.execute(uri: "/outputs/files/\(String(repeating: "cd", count: 16)).jpg", method: .get)
            #expect(missing.status == .notFound)
        }
    }

    @Test func presignedLinksPointAtTheBucket() async throws {
        let (app, store, _, key) = try await app(.scaledOut) { $0.presign = true }
        try await app.test(.router) { client in
            let accepted = try await submit(client, key: key, fields: [])
            let id = try #require(json(accepted)["generation_id"] as? String)
            let job = try #require(try await store.claim(worker: "w", lease: .seconds(30), now: time.clock.now()))
            let report = #"{"outputs":[{"format":"jpeg","file":"0123.jpg","bytes":1,"width":1,"height":1}],"#
                + #""timingsMs":{},"notes":[]}"#
            #expect(job.id == id)
            #expect(try await store.complete(id: id, worker: "w", result: Data(report.utf8), now: time.clock.now()))
            let status = try await client.execute(uri: "/v1/image/\(id)", method: .get, headers: [.authorization: "Bearer \(key)"])
            let link = try #require(json(status)["output_url"] as? String)
            #expect(link.hasPrefix(TestS3.endpoint) && link.contains("/outputs/0123.jpg?") && link.contains("X-Amz-Signature="),
                    "\(link)")
        }
    }
}
