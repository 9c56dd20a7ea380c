import Foundation
import LightboxTestSupport
import Testing

/// `lightbox serve` killed with SIGKILL while it works loses nothing: after a restart every
/// job completes, each charged once, with one output file each.
@Suite struct CrashTests {
    @Test func aKilledServerLosesNoJobAndChargesNoneTwice() async throws {
        let data = try Fixtures.scratchFolder("crash")
        let keyRun = try await onThread { try LightboxBinary.run(["keys", "create", "--data", data.path, "--credits", "100"]) }
        let key = keyRun.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        let serve = ["serve", "--data", data.path, "--port", "0", "--workers", "2", "--lease-seconds", "2"]
        let first = try RunningLightbox(serve)
        let client = APIClient(port: try await first.servingPort())

        let photo = try Fixtures.data("lipstick-exif6.jpg")
        var ids: [String] = []
        for seed in 1...20 {
            let reply = try await client.submit(photo, fields: [("seed", "\(seed)"), ("preset", "marble"), ("size", "160x160"),
                                                                ("output_format", "png")], key: key)
            #expect(reply.status == 202, "\(reply.json)")
            ids.append(try #require(reply.json["generation_id"] as? String))
        }
        #expect(Set(ids).count == 20)
        // Kill it while it works: some done, some in flight, most queued.
        let deadline = Date() + 60
        var states: [String] = []
        while Date() < deadline {
            states = try await ids.asyncMap { try await client.send(.GET, "/v1/image/\($0)", key: key).json["status"] as? String ?? "" }
            if states.contains("completed") && states.contains("processing") { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        first.kill(SIGKILL)
        _ = try await first.exitStatus()
        #expect(states.filter { $0 == "completed" }.count < 20, "killed before the end: \(states)")

        let second = try RunningLightbox(serve)
        let restarted = APIClient(port: try await second.servingPort())
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
}
