import Foundation
import LightboxCore
import LightboxService
import LightboxTestSupport
import Testing

/// Section 3 of the hardening issue: what a hostile or broken client can make the service hold.
/// Each limit is met over real loopback sockets, and the service still answers afterwards.
@Suite(.serialized) struct RequestLimitsTests {
    static func start(_ configure: @escaping (inout ServiceConfig) -> Void = { _ in }) async throws -> ServiceHarness {
        try await ServiceHarness.start(workers: 0, configure: configure)
    }

    /// The status line and the JSON error of a raw HTTP answer.
    static func answer(_ data: Data) -> (status: Int, code: String?) {
        let text = String(decoding: data, as: UTF8.self)
        let status = text.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) } ?? 0
        let code = text.range(of: #""code":"([a-z_]+)""#, options: .regularExpression)
            .map { String(text[$0].dropFirst(8).dropLast()) }
        return (status, code)
    }

    static func headers(_ path: String, key: String, length: Int, type: String = "multipart/form-data; boundary=b") -> String {
        "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(key)\r\nContent-Type: \(type)\r\n"
            + "Content-Length: \(length)\r\n\r\n"
    }

    @Test func tooManyPartsAndOversizedFieldsAreRefusedByName() async throws {
        let service = try await Self.start()
        defer { Task { await service.stop() } }
        let key = try await service.key()
        let photo = try Fixtures.data("lipstick-small.jpg")

        let many = (0..<70).map { ("note\($0)", "x") }
        let crowded = try await service.submit(photo, fields: many, key: key)
        #expect(crowded.status == 400 && crowded.error?.code == "invalid_option")
        #expect(crowded.error?.message.contains("more than 64 parts") == true, "\(crowded.error?.message ?? "")")

        let prompt = String(repeating: "a marble shelf ", count: 5000)
        let long = try await service.submit(photo, fields: [("background_prompt", prompt)], key: key)
        #expect(long.status == 400 && long.error?.message.contains("'background_prompt'") == true, "\(long.error?.message ?? "")")

        let form = (0..<80).map { "f\($0)=1" }.joined(separator: "&")
        let crowdedForm = try await service.send(.POST, "/v1/image/product-photo", key: key, body: Data(form.utf8),
                                                 contentType: "application/x-www-form-urlencoded")
        #expect(crowdedForm.status == 400 && crowdedForm.error?.message.contains("more than 64 fields") == true)

        // Nothing was queued or charged for any of them.
        let account = try await service.send(.GET, "/v1/account", key: key)
        #expect(account.json["balance"] as? Int == 10 && account.json["reserved"] as? Int == 0)
    }

    @Test func anOversizedHeaderIsRefusedBeforeARouteRuns() async throws {
        let service = try await Self.start()
        defer { Task { await service.stop() } }
        let port = service.port
        let reply = try await onThread {
            let connection = try RawConnection(port: port)
            connection.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: \(String(repeating: "a", count: 40_000))\r\n\r\n")
            // Returns as soon as the server closes; the wait only bounds a loaded machine.
            return connection.read(for: 30)
        }
        #expect(Self.answer(reply.data).status == 400 || reply.data.isEmpty, "\(String(decoding: reply.data.prefix(80), as: UTF8.self))")
        #expect(reply.closed)
        #expect(try await service.send(.GET, "/healthz").status == 200)
    }

    @Test func aStalledClientIsDisconnectedAtTheIdleTimeout() async throws {
        let service = try await Self.start { $0.idleTimeoutSeconds = 1 }
        defer { Task { await service.stop() } }
        let port = service.port
        let (reply, seconds) = try await onThread {
            let connection = try RawConnection(port: port)
            let started = Date()
            connection.send("POST /v1/image/product-photo HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            let reply = connection.read(for: 25)
            return (reply, Date().timeIntervalSince(started))
        }
        // Well under the 30 s the test would wait; the slack is for a loaded CI machine.
        #expect(reply.closed && seconds < 20, "closed after \(seconds) s")
        #expect(try await service.send(.GET, "/healthz").status == 200)
    }

    @Test func aTrickledBodyGetsA408AtTheUploadTimeout() async throws {
        let service = try await Self.start {
            $0.uploadTimeoutSeconds = 1
            $0.idleTimeoutSeconds = 30
        }
        defer { Task { await service.stop() } }
        let key = try await service.key()
        let (port, request) = (service.port, Self.headers("/v1/image/product-photo", key: key, length: 100_000))
        let (reply, seconds) = try await onThread {
            let connection = try RawConnection(port: port)
            let started = Date()
            connection.send(request)
            // A byte every 200 ms never trips the idle timeout, only the body's deadline.
            var reply = (data: Data(), closed: false)
            while reply.data.isEmpty, Date().timeIntervalSince(started) < 25 {
                guard connection.send("x") else { break }
                reply = connection.read(for: 0.2)
            }
            return (reply, Date().timeIntervalSince(started))
        }
        let answer = Self.answer(reply.data)
        #expect(answer.status == 408 && answer.code == "request_timeout", "\(String(decoding: reply.data.prefix(200), as: UTF8.self))")
        // At 5 bytes a second the body would take hours and the idle timeout is 30 s, so an answer
        // within 20 s is the deadline's; the slack is for parallel suites on a loaded 2-core machine.
        #expect(seconds < 20, "answered after \(seconds) s")
        let account = try await service.send(.GET, "/v1/account", key: key)
        #expect(account.json["reserved"] as? Int == 0)
    }

    @Test func aKeyHoldsAtMostItsShareOfUploadsAtOnce() async throws {
        let service = try await Self.start { $0.uploadsPerKey = 2 }
        defer { Task { await service.stop() } }
        let (key, other) = (try await service.key(), try await service.key())
        let port = service.port
        let request = Self.headers("/v1/image/product-photo", key: key, length: 1_000_000)
        // Two uploads of this key, started and left open.
        let open = try await onThread {
            try (0..<2).map { _ in
                let connection = try RawConnection(port: port)
                connection.send(request + "--b\r\n")
                return connection
            }
        }
        try await Task.sleep(for: .milliseconds(500))
        let photo = try Fixtures.data("lipstick-small.jpg")
        let third = try await service.submit(photo, key: key)
        #expect(third.status == 429 && third.error?.code == "rate_limited", "\(third.status) \(third.error?.message ?? "")")
        #expect(third.error?.message.contains("2 uploads in progress") == true)
        // Another key is not held back by this one.
        #expect(try await service.submit(photo, key: other).status == 202)
        // Once the open uploads go away, the key may upload again.
        withExtendedLifetime(open) {}
        _ = consume open
        var again = 0
        for _ in 0..<50 where again != 202 {
            try await Task.sleep(for: .milliseconds(100))
            again = try await service.submit(photo, key: key).status
        }
        #expect(again == 202)
    }
}
