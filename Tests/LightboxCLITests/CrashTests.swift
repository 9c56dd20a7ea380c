import Foundation
import LightboxTestSupport
import Synchronization
import Testing

/// `lightbox serve` on its embedded SQLite queue, killed with SIGKILL while it works, while
/// requests pour in, and while it calls webhooks, loses nothing: after a restart every
/// accepted job completes, each charged once, and every webhook arrives at least once.
@Suite struct CrashTests {
    @Test func aKilledServerLosesNoJobAndChargesNoneTwice() async throws {
        let data = try Fixtures.scratchFolder("crash")
        let key = try await LightboxBinary.key(data: data, credits: 100)
        let serve = ["serve", "--data", data.path, "--port", "0", "--workers", "2", "--lease-seconds", "2"]
        let (first, client) = try await Self.serving(serve)

        let photo = try Fixtures.data("lipstick-exif6.jpg")
        let ids = try await Self.submit(photo, seeds: 1...20, fields: [("preset", "marble")], key: key, to: client)
        #expect(Set(ids).count == 20)
        // Kill it while it works: some done, some in flight, most queued.
        let deadline = Date() + 60
        var states: [String] = []
        while Date() < deadline {
            states = try await ids.asyncMap { try await client.send(.GET, "/v1/image/\($0)", key: key).json["status"] as? String ?? "" }
            if states.contains("completed") && states.contains("processing") { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        try await Self.kill(first)
        #expect(states.filter { $0 == "completed" }.count < 20, "killed before the end: \(states)")

        let (second, restarted) = try await Self.serving(serve)
        var outputs: Set<String> = []
        for id in ids {
            let done = try await restarted.finished(id, key: key, within: 120)
            #expect(done.json["status"] as? String == "completed", "\(id): \(done.json)")
            if let url = done.json["output_url"] as? String { outputs.insert(URL(fileURLWithPath: url).lastPathComponent) }
        }
        let account = try await restarted.send(.GET, "/v1/account", key: key).json
        #expect(account["charged"] as? Int == 20 && account["reserved"] as? Int == 0 && account["balance"] as? Int == 80)
        let files = try FileManager.default.contentsOfDirectory(atPath: data.appendingPathComponent("outputs").path)
            .filter { !$0.hasPrefix(".") }
        #expect(outputs.count == 20 && Set(files) == outputs, "one output per job, no duplicates: \(files.count) files")
        second.kill(SIGTERM)
        #expect(try await second.exitStatus() == 0, "SIGTERM stops it cleanly")
    }

    /// Clients send 24 requests, six at a time, each with its own Idempotency-Key; the server is
    /// killed mid-burst. Every 202 survives with its photo, and clients that retry every request
    /// after the restart (as they must when an answer never came) get the same job back, not a
    /// second one or a second charge.
    @Test func aServerKilledDuringABurstOfEnqueuesKeepsEveryAcceptedJob() async throws {
        let data = try Fixtures.scratchFolder("crash-burst")
        let key = try await LightboxBinary.key(data: data, credits: 100)
        let serve = ["serve", "--data", data.path, "--port", "0", "--workers", "0", "--rate-burst", "1000"]
        let (first, client) = try await Self.serving(serve)
        let photo = try Fixtures.data("lipstick-small.jpg")
        func request(_ index: Int, to client: APIClient) async throws -> APIClient.Reply {
            try await client.submit(photo, fields: [("seed", "\(index)"), ("size", "160x160"), ("output_format", "png")],
                                    key: key, headers: ["Idempotency-Key": "burst-\(index)"])
        }

        let accepted = AcceptedIDs()
        let burst = Task {
            await withTaskGroup(of: Void.self) { group in
                for lane in 0..<6 {
                    group.addTask {
                        // A client stops sending once the server is gone: its library would retry
                        // connecting until the request's deadline.
                        for index in stride(from: lane, to: 24, by: 6) where !accepted.serverGone {
                            guard let reply = try? await request(index, to: client) else { continue }
                            if reply.status == 202, let id = reply.json["generation_id"] as? String { accepted.add(index, id) }
                        }
                    }
                }
            }
        }
        let deadline = Date() + 60
        while accepted.count < 6 && Date() < deadline { try await Task.sleep(for: .milliseconds(5)) }
        first.kill(SIGKILL)
        accepted.serverGone = true
        _ = try await first.exitStatus()
        await burst.value
        let before = accepted.ids
        #expect(before.count >= 6 && before.count < 24, "killed mid-burst: \(before.count) accepted")

        // Restarted with no workers, so what is checked is what the queue kept, not what ran.
        let (second, restarted) = try await Self.serving(serve)
        var ids: [Int: String] = [:]
        for index in 0..<24 {
            let reply = try await request(index, to: restarted)
            #expect(reply.status == 202, "\(reply.json)")
            ids[index] = reply.json["generation_id"] as? String
            if let earlier = before[index] { #expect(ids[index] == earlier, "request \(index) keeps its job") }
        }
        #expect(Set(ids.values).count == 24)
        for id in ids.values {
            #expect(try await restarted.send(.GET, "/v1/image/\(id)", key: key).json["status"] as? String == "pending")
            let input = try await restarted.send(.GET, "/v1/image/\(id)/input", key: key)
            #expect(input.status == 200 && input.body == photo, "\(id)'s photo is stored whole")
        }
        let account = try await restarted.send(.GET, "/v1/account", key: key).json
        #expect(account["reserved"] as? Int == 24 && account["charged"] as? Int == 0 && account["available"] as? Int == 76,
                "one reservation per request: \(account)")
        second.kill(SIGTERM)
        #expect(try await second.exitStatus() == 0)
    }

    /// The receiver holds each call open; the server is killed while one is in flight. After
    /// the restart every generation's webhook is delivered, each call of one generation under
    /// one Lightbox-Webhook-Id, and the call cut off is made again.
    @Test func aServerKilledWhileCallingAWebhookDeliversItAfterTheRestart() async throws {
        let receiver = try await StoreSite.start(hold: .milliseconds(1500))
        defer { receiver.stop() }
        let data = try Fixtures.scratchFolder("crash-webhook")
        let key = try await LightboxBinary.key(data: data, credits: 100)
        let serve = ["serve", "--data", data.path, "--port", "0", "--workers", "2", "--allow-private-urls", "true"]
        let (first, client) = try await Self.serving(serve)
        let photo = try Fixtures.data("lipstick-small.jpg")
        let ids = try await Self.submit(photo, seeds: 1...4, fields: [("webhook_url", receiver.hookURL)], key: key, to: client)
        let deadline = Date() + 120
        while receiver.calls.isEmpty && Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        try await Self.kill(first)
        let cutOff = try #require(receiver.calls.first?.generationID)

        let (second, restarted) = try await Self.serving(serve)
        for id in ids {
            let end = Date() + 120
            var delivered = false
            while !delivered && Date() < end {
                let status = try await restarted.send(.GET, "/v1/image/\(id)", key: key).json
                let deliveries = (status["webhook"] as? [String: Any])?["deliveries"] as? [[String: Any]] ?? []
                delivered = deliveries.contains { $0["status_code"] as? Int == 204 }
                if !delivered { try await Task.sleep(for: .milliseconds(200)) }
            }
            #expect(delivered, "\(id)'s webhook was delivered")
        }
        let calls = receiver.calls
        for id in ids {
            let mine = calls.filter { $0.generationID == id }
            #expect(!mine.isEmpty && Set(mine.map(\.webhookID)) == ["\(id).generation.completed"], "\(id): \(mine.map(\.webhookID))")
            #expect(mine.allSatisfy { $0.signature?.hasPrefix("t=") == true })
        }
        #expect(calls.filter { $0.generationID == cutOff }.count >= 2, "the call cut off by the kill is made again")
        second.kill(SIGTERM)
        #expect(try await second.exitStatus() == 0)
    }
}

extension CrashTests {
    /// `lightbox serve` with `arguments`, and a client for it once it serves.
    static func serving(_ arguments: [String]) async throws -> (RunningLightbox, APIClient) {
        let server = try RunningLightbox(arguments)
        return (server, APIClient(port: try await server.servingPort()))
    }

    /// SIGKILL, and waits until the process is gone.
    static func kill(_ server: RunningLightbox) async throws {
        server.kill(SIGKILL)
        _ = try await server.exitStatus()
    }

    /// One small PNG job per seed, each accepted; their generation ids in order.
    static func submit(_ photo: Data, seeds: ClosedRange<Int>, fields: [(String, String)], key: String,
                       to client: APIClient) async throws -> [String] {
        var ids: [String] = []
        for seed in seeds {
            let reply = try await client.submit(photo, fields: [("seed", "\(seed)"), ("size", "160x160"), ("output_format", "png")]
                                                    + fields, key: key)
            #expect(reply.status == 202, "\(reply.json)")
            ids.append(try #require(reply.json["generation_id"] as? String))
        }
        return ids
    }
}

/// Request index to generation id, from concurrent clients.
private final class AcceptedIDs: Sendable {
    private let state = Mutex<[Int: String]>([:])
    private let gone = Atomic(false)
    func add(_ index: Int, _ id: String) { state.withLock { $0[index] = id } }
    var ids: [Int: String] { state.withLock { $0 } }
    var count: Int { state.withLock { $0.count } }
    var serverGone: Bool {
        get { gone.load(ordering: .relaxed) }
        set { gone.store(newValue, ordering: .relaxed) }
    }
}
