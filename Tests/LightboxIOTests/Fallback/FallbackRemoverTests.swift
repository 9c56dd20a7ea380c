import Foundation
import LightboxCore
import LightboxIO
import LightboxTestSupport
import Testing

/// The fallback remover's client against a loopback fake of remove.bg's API.
@Suite(.serialized) struct FallbackRemoverTests {
    static let key = "rbg-test-77c0ffee"

    private func remover(_ server: FakeRemover, clock: RecordingClock = RecordingClock(), usage: URL? = nil,
                         configure: (inout FallbackRemoverSettings) -> Void = { _ in }) throws -> FallbackRemover {
        var settings = try FallbackRemoverSettings.resolve(flags: [("fallback-remover", server.url.absoluteString)],
                                                           environment: ["LIGHTBOX_FALLBACK_REMOVER_KEY": Self.key])
        settings.usageFile = try (usage ?? Fixtures.scratchFolder("fallback").appendingPathComponent("usage.json")).path
        settings.timeoutSeconds = 30  // the fake runs in this process, which parallel suites can hold for seconds
        configure(&settings)
        return try #require(FallbackRemover(settings: settings, clock: clock))
    }

    /// The call's error, checked never to carry the API key.
    private func failure(of remover: FallbackRemover, _ photo: Data) async throws -> LightboxError {
        do {
            let cutout = try await onThread { try remover.cutout(of: photo, limits: DecodeLimits()) }
            Issue.record("expected a failure, got \(cutout.count) bytes")
            return LightboxError(.internal, "no failure")
        } catch let error as LightboxError {
            #expect(!error.description.contains(Self.key))
            return error
        }
    }

    @Test func aCallSendsThePhotoAsRemoveBGsClientsDoAndReturnsItsCutout() async throws {
        let cutout = try FakeRemover.trueCutout(of: "mug-wood")
        let server = try await FakeRemover.start([.cutout(cutout)])
        defer { Task { await server.stop() } }
        let remover = try remover(server)
        let photo = try Fixtures.data("mug-wood.jpg")
        #expect(try await onThread { try remover.cutout(of: photo, limits: DecodeLimits()) } == cutout)
        let sent = try #require(server.requests.first)
        #expect(sent.apiKey == Self.key)
        #expect(sent.contentType?.hasPrefix("multipart/form-data; boundary=") == true)
        #expect(sent.field("size") == "full" && sent.field("format") == "png")
        #expect(sent.body.range(of: photo) != nil, "the photo's exact bytes")
        #expect(String(decoding: sent.body, as: UTF8.self).contains(#"name="image_file"; filename="photo.jpeg""#))
        #expect(remover.usedToday.images == 1 && abs(remover.usedToday.dollars - 0.2) < 1e-9)
    }

    @Test func a429IsRetriedAfterItsRetryAfterAndA5xxUntilTheAttemptsRunOut() async throws {
        let cutout = try FakeRemover.trueCutout(of: "mug-wood")
        let photo = try Fixtures.data("mug-wood.jpg")
        let busy = try await FakeRemover.start([.status(429, retryAfter: "7", title: "Rate limit exceeded"), .cutout(cutout)])
        defer { Task { await busy.stop() } }
        let clock = RecordingClock()
        let patient = try remover(busy, clock: clock)
        #expect(try await onThread { try patient.cutout(of: photo, limits: DecodeLimits()) } == cutout)
        #expect(busy.requests.count == 2 && clock.waits == [.seconds(7)])

        let down = try await FakeRemover.start([.status(503)])
        defer { Task { await down.stop() } }
        let failing = try remover(down)
        let error = try await failure(of: failing, photo)
        #expect(error.code == .removerUnavailable && error.message.contains("HTTP 503")
                && error.message.contains("gave up after 3 attempts"), "\(error)")
        #expect(down.requests.count == 3)
        #expect(failing.usedToday.images == 0, "a call that failed costs nothing")
    }

    @Test func refusalsAndNonImagesAreNamedAndNotRetried() async throws {
        let photo = try Fixtures.data("mug-wood.jpg")
        for (reply, words) in [(FakeRemover.Reply.status(403, title: "Invalid API key"), "refused the API key"),
                               (.status(402, title: "Insufficient credits"), "no credits left"),
                               (.status(400, title: "Could not identify foreground"), "Could not identify foreground"),
                               (.cutout(Data("not an image".utf8)), "other than a PNG")] {
            let server = try await FakeRemover.start([reply])
            let error = try await failure(of: try remover(server), photo)
            #expect(error.code == .removerUnavailable && error.message.contains(words), "\(error)")
            #expect(server.requests.count == 1)
            await server.stop()
        }
    }

    @Test func theDailyBudgetHoldsAcrossARestart() async throws {
        let cutout = try FakeRemover.trueCutout(of: "mug-wood")
        let photo = try Fixtures.data("mug-wood.jpg")
        let server = try await FakeRemover.start([.cutout(cutout)])
        defer { Task { await server.stop() } }
        let usage = try Fixtures.scratchFolder("fallback").appendingPathComponent("usage.json")
        let first = try remover(server, usage: usage) { $0.dailyImages = 1 }
        _ = try await onThread { try first.cutout(of: photo, limits: DecodeLimits()) }
        let error = try await failure(of: first, photo)
        #expect(error.code == .budgetExceeded && error.message.contains("fallback remover's daily budget of 1 images"))
        let restarted = try remover(server, usage: usage) { $0.dailyImages = 1 }
        #expect(try await failure(of: restarted, photo).code == .budgetExceeded, "the day's use is kept on disk")
        let dollars = try remover(server) { $0.dailyDollars = 0.1 }
        #expect(try await failure(of: dollars, photo).message.contains("daily budget of $0.10"))
        #expect(server.requests.count == 1, "nothing is sent over budget")
        let tomorrow = try remover(server, clock: RecordingClock(now: RecordingClock().now + 86_400), usage: usage) {
            $0.dailyImages = 1
        }
        #expect(try await onThread { try tomorrow.cutout(of: photo, limits: DecodeLimits()) } == cutout, "a new day, a new budget")
    }
}
