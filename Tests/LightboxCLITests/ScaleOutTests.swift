import Foundation
import LightboxCore
import LightboxIO
import LightboxJobs
import LightboxTestSupport
import Testing

/// Several `lightbox` processes on one PostgreSQL database and one S3 bucket, as several
/// machines would run them: the test servers that `scripts/test.sh` starts.
@Suite(.serialized) struct ScaleOutTests {
    struct Cluster {
        let database: String
        let blobs: String
        let store: PostgresJobStore
        let bucket: any BlobStore
        let key: String

        var account: String { String(key.split(separator: "_")[1]) }
        var places: [String] { ["--database", database, "--blobs", blobs] }

        func start(_ command: String, _ extra: [String] = []) throws -> RunningLightbox {
            try RunningLightbox([command] + places + extra, environment: TestS3.environment)
        }
    }

    private func cluster(credits: Int = 100) async throws -> Cluster {
        let database = try await TestPostgres.freshDatabase("scale")
        let blobs = TestS3.location(try await TestS3.freshBucket())
        let keyRun = try await onThread {
            try LightboxBinary.run(["keys", "create", "--database", database, "--credits", "\(credits)"])
        }
        #expect(keyRun.status == 0, "\(keyRun.standardError)")
        return Cluster(database: database, blobs: blobs, store: try await PostgresJobStore.open(PostgresURL(database)),
                       bucket: try await BlobStores.open(blobs, environment: TestS3.environment),
                       key: keyRun.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test func aJobPostedToOneAPIProcessIsPolledAndDownloadedFromAnother() async throws {
        let cluster = try await cluster()
        let first = try cluster.start("serve", ["--role", "api", "--port", "0"])
        let second = try cluster.start("serve", ["--role", "api", "--port", "0"])
        let worker = try cluster.start("worker", ["--workers", "1"])
        let (one, two) = (APIClient(port: try await first.servingPort()), APIClient(port: try await second.servingPort()))

        let accepted = try await one.submit(Fixtures.data("lipstick-small.jpg"), fields: [("size", "300x300"),
                                                                                       ("output_format", "jpeg")],
                                            key: cluster.key)
        #expect(accepted.status == 202, "\(accepted.json)")
        let id = try #require(accepted.json["generation_id"] as? String)
        let done = try await two.finished(id, key: cluster.key)
        #expect(done.json["status"] as? String == "completed", "\(done.json) \(worker.standardError)")
        let link = try #require(done.json["output_url"] as? String)
        let file = try await two.send(.GET, link)
        #expect(file.status == 200 && file.headers["content-type"] == "image/jpeg")
        let pixels = try Pixels(decoding: file.body)
        #expect(pixels.width == 300 && pixels.pixel(3, 3).allSatisfy { $0 >= 240 }, "a white studio shot")
        let name = String(link.split(separator: "/").last!)
        #expect(try await cluster.bucket.get(BlobKeys.output(name)) == file.body, "the bytes are the bucket's")
        #expect(try await one.send(.GET, "/v1/account", key: cluster.key).json["charged"] as? Int == 1)
        for process in [first, second, worker] { process.kill(SIGTERM) }
        for process in [first, second, worker] { #expect(try await process.exitStatus() == 0) }
    }

    /// One API, two workers, 40 jobs; one worker is killed with SIGKILL while it holds a job,
    /// and PostgreSQL is restarted while the rest run.
    @Test func aKilledWorkerAndARestartedDatabaseLoseNoJobAndChargeNoneTwice() async throws {
        let cluster = try await cluster()
        let api = try cluster.start("serve", ["--role", "api", "--port", "0"])
        let lease = ["--workers", "1", "--lease-seconds", "3"]
        let doomed = try cluster.start("worker", lease)
        let survivor = try cluster.start("worker", lease)
        let client = APIClient(port: try await api.servingPort())

        let photo = try Fixtures.data("lipstick-exif6.jpg")
        var ids: [String] = []
        for seed in 1...40 {
            let reply = try await client.submit(photo, fields: [("seed", "\(seed)"), ("preset", "marble"), ("size", "160x160"),
                                                                ("output_format", "png")], key: cluster.key)
            #expect(reply.status == 202, "\(reply.json)")
            ids.append(try #require(reply.json["generation_id"] as? String))
        }
        // SIGKILL the doomed worker while it holds a lease.
        let owner = "worker-\(doomed.processIdentifier)-"
        var held: Job?
        let deadline = Date() + 60
        while held == nil, Date() < deadline {
            held = try await cluster.store.jobs(in: .processing, limit: 10).first { $0.leaseOwner?.hasPrefix(owner) == true }
            if held == nil { try await Task.sleep(for: .milliseconds(20)) }
        }
        let orphan = try #require(held, "the doomed worker never held a job")
        doomed.kill(SIGKILL)
        _ = try await doomed.exitStatus()

        // Restart PostgreSQL once a few more jobs are done.
        while try await cluster.store.counts()[.completed, default: 0] < 10, Date() < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        try await onThread { try TestPostgres.restart() }

        var outputs: Set<String> = []
        for id in ids {
            let done = try await client.finished(id, key: cluster.key, within: 180)
            #expect(done.json["status"] as? String == "completed", "\(id): \(done.json) \(survivor.standardError)")
            if let url = done.json["output_url"] as? String { outputs.insert(String(url.split(separator: "/").last!)) }
        }
        let rescued = try #require(try await cluster.store.job(id: orphan.id))
        #expect(rescued.state == .completed && rescued.attempts == 2 && rescued.leaseOwner == nil,
                "the dead worker's job was rescued and run again")
        let account = try #require(try await cluster.store.account(id: cluster.account))
        #expect(account.charged == 40 && account.reserved == 0 && account.balance == 60, "each job charged once: \(account)")
        let stored = try await cluster.bucket.keys(under: "outputs/")
        #expect(stored.count == 40 && Set(stored) == Set(outputs.map(BlobKeys.output)), "one object per job")
        for process in [api, survivor] { process.kill(SIGTERM) }
        for process in [api, survivor] { #expect(try await process.exitStatus() == 0) }
    }

    @Test func badConfigurationIsNamedAtStart() async throws {
        let folder = try Fixtures.scratchFolder("config").path
        let (host, port) = TestPostgres.address
        let bucket = TestS3.location(try await TestS3.freshBucket())
        let cases: [(arguments: [String], status: Int32, says: String)] = [
            (["--database", "postgres://postgres@127.0.0.1:1/lightbox", "--blobs", folder], 1, "Cannot reach PostgreSQL"),
            (["--database", "postgres://nobody@\(host):\(port)/postgres", "--blobs", folder], 1,
             "refused the credentials of user 'nobody'"),
            (["--database", "postgres://postgres@\(host):\(port)/no_such_db", "--blobs", folder], 1,
             "has no database 'no_such_db'"),
            (["--database", "postgres://postgres@\(host):\(port)/postgres",
              "--blobs", "s3://no-such-bucket?endpoint=\(TestS3.endpoint)"], 1, "'no-such-bucket' does not exist"),
            (["--database", "mysql://db/lightbox", "--blobs", folder], 2, "unknown scheme 'mysql://'"),
            (["--data", folder, "--blobs", "ftp://host/x"], 2, "unknown scheme 'ftp://'"),
            (["--database", "\(folder)/q.sqlite"], 2, "both --database URL and --blobs URL"),
            (["--data", folder, "--database", "postgres://user:hunter2@127.0.0.1:1/x"], 1, "postgres://user:***@127.0.0.1:1/x"),
        ]
        for item in cases {
            let result = try await onThread {
                try LightboxBinary.run(["serve", "--port", "0"] + item.arguments, environment: TestS3.environment)
            }
            #expect(result.status == item.status && result.standardError.contains(item.says),
                    "\(item.arguments): \(result.status) \(result.standardError)")
            #expect(!result.standardError.contains("hunter2"), "a password is never printed")
        }
    }

    @Test func migrateBringsANewDatabaseUpToDateOnce() async throws {
        let database = try await TestPostgres.freshDatabase("migrate")
        let first = try await onThread { try LightboxBinary.run(["migrate", "--database", database]) }
        #expect(first.status == 0 && first.standardOutput.contains("applied v1, v2, v3, v4"), "\(first.standardError)")
        let again = try await onThread { try LightboxBinary.run(["migrate", "--database", database]) }
        #expect(again.status == 0 && again.standardOutput.contains("schema up to date"))
        // Two processes starting at once: the advisory lock lets one apply the schema.
        let fresh = try await TestPostgres.freshDatabase("race")
        async let one = PostgresJobStore.open(PostgresURL(fresh))
        async let two = PostgresJobStore.open(PostgresURL(fresh))
        let stores = try await [one, two]
        let leftOver = try await stores[0].migrate()
        let queued = try await stores[1].counts()[.queued]
        #expect(leftOver.isEmpty && queued == 0)
    }
}
