import Foundation
import LightboxCore
import LightboxIO
import LightboxTestSupport
import Synchronization
import Testing

/// Records the waits between attempts instead of sleeping, at a fixed time of day.
final class RecordingClock: GeneratorClock {
    private let sleeps = Mutex<[Duration]>([])
    let now: Date

    init(now: Date = Date(timeIntervalSince1970: 1_795_000_000)) {
        self.now = now
    }

    var waits: [Duration] { sleeps.withLock { $0 } }
    func sleep(for duration: Duration) { sleeps.withLock { $0.append(duration) } }
}

@Suite(.serialized) struct GenerativeScenesTests {
    static let key = "sk-test-4f9a1c0ffee"
    static let teal = try! FakeImagesAPI.png([0, 128, 128])
    static let square = PixelSize(width: 1500, height: 1500)

    private func generator(_ server: FakeImagesAPI, clock: RecordingClock = RecordingClock(),
                           configure: (inout GeneratorSettings) -> Void = { _ in }) throws -> GenerativeScenes {
        var settings = GeneratorSettings()
        settings.baseURL = server.baseURL
        settings.apiKey = Secret(Self.key)
        settings.cacheFolder = try Fixtures.scratchFolder("scene-cache").path
        // The fake answers at once; a loaded CI machine can still keep it from answering for seconds.
        settings.timeoutSeconds = 30
        configure(&settings)
        let generator = GenerativeScenes(settings: settings, clock: clock, unitRandom: { 1 })
        return try #require(generator)
    }

    private func request(_ prompt: String = "a sunlit scandinavian kitchen counter", seed: UInt64 = 1) -> SceneRequest {
        SceneRequest(prompt: prompt, canvas: Self.square, seed: seed)
    }

    /// The call's error, checked never to carry the API key.
    private func failure(of generator: GenerativeScenes, _ request: SceneRequest) async throws -> LightboxError {
        do {
            let scene = try await onThread { try generator.scene(for: request) }
            Issue.record("expected a failure, got \(scene.image.count) bytes")
            return LightboxError(.internal, "no failure")
        } catch let error as LightboxError {
            #expect(!error.description.contains(Self.key))
            return error
        }
    }

    @Test func aSuccessfulCallSendsTheContractAndReturnsTheImage() async throws {
        let server = try await FakeImagesAPI.start([.image(Self.teal)])
        defer { Task { await server.stop() } }
        let generator = try generator(server) { $0.model = "dall-e-3" }
        let scene = try await onThread { try generator.scene(for: request()) }
        #expect(scene == GeneratedScene(image: Self.teal, fromCache: false))
        let sent = try #require(server.requests.first)
        #expect(sent.authorization == "Bearer \(Self.key)")
        #expect(sent.body == ["model": "dall-e-3", "prompt": "a sunlit scandinavian kitchen counter",
                              "size": "1024x1024", "n": "1", "response_format": "b64_json"])
        #expect(generator.counters.generated == 1 && abs(generator.counters.dollars - 0.04) < 1e-9)
    }

    @Test func theSizeAskedForMatchesTheCanvasAspect() throws {
        let settings = GeneratorSettings()
        #expect(settings.requestSize(for: PixelSize(width: 2000, height: 1000)) == PixelSize(width: 1792, height: 1024))
        #expect(settings.requestSize(for: PixelSize(width: 1000, height: 1600)) == PixelSize(width: 1024, height: 1792))
        #expect(settings.requestSize(for: PixelSize(width: 1200, height: 1000)) == PixelSize(width: 1024, height: 1024))
    }

    @Test func a429IsRetriedAfterItsRetryAfter() async throws {
        let server = try await FakeImagesAPI.start([.status(429, retryAfter: "3", message: "rate limited"), .image(Self.teal)])
        defer { Task { await server.stop() } }
        let clock = RecordingClock()
        let generator = try generator(server, clock: clock)
        let scene = try await onThread { try generator.scene(for: request()) }
        #expect(scene.image == Self.teal)
        #expect(server.requests.count == 2)
        #expect(clock.waits == [.seconds(3)])
    }

    @Test func backoffDoublesWithJitterWhenNoRetryAfterIsGiven() async throws {
        let server = try await FakeImagesAPI.start([.status(429), .status(503), .status(502), .image(Self.teal)])
        defer { Task { await server.stop() } }
        let clock = RecordingClock()
        let generator = try generator(server, clock: clock)
        _ = try await onThread { try generator.scene(for: request()) }
        // The injected jitter is +1, the top of ±25%.
        #expect(clock.waits == [.milliseconds(1250), .milliseconds(2500), .milliseconds(5000)])
        let backoff = Backoff()
        for attempt in 1...4 {
            let base = 1000.0 * Double(1 << (attempt - 1))
            let low = backoff.delay(after: attempt, retryAfter: nil, unit: -1), high = backoff.delay(after: attempt, retryAfter: nil, unit: 1)
            #expect(low == .milliseconds(Int64(base * 0.75)) && high == .milliseconds(Int64(base * 1.25)))
        }
    }

    @Test func repeated500sEndInAnErrorAfterTheLastAttempt() async throws {
        let server = try await FakeImagesAPI.start([.status(500, message: "overloaded")])
        defer { Task { await server.stop() } }
        let clock = RecordingClock()
        let generator = try generator(server, clock: clock) { $0.attempts = 3 }
        let error = try await failure(of: generator, request())
        #expect(error.code == .generatorUnavailable && error.httpStatus == 503)
        #expect(error.message.contains("HTTP 500: overloaded") && error.message.contains("after 3 attempts"))
        #expect(server.requests.count == 3 && clock.waits.count == 2)
        #expect(generator.counters.generated == 0)
    }

    @Test func aServerThatDoesNotAnswerInTimeIsATimeout() async throws {
        let server = try await FakeImagesAPI.start([.delayed(seconds: 3, .image(Self.teal))])
        defer { Task { await server.stop() } }
        let generator = try generator(server) {
            $0.timeoutSeconds = 1
            $0.attempts = 1
        }
        let error = try await failure(of: generator, request())
        #expect(error.code == .generatorUnavailable)
        #expect(error.message.contains("did not answer within 1 s"))
    }

    @Test func malformedJSONIsAnErrorAndNotRetried() async throws {
        let server = try await FakeImagesAPI.start([.malformed])
        defer { Task { await server.stop() } }
        let generator = try generator(server)
        let error = try await failure(of: generator, request())
        #expect(error.code == .generatorUnavailable && error.message.contains("malformed JSON"))
        #expect(server.requests.count == 1)
    }

    @Test func aRefusedPromptOrKeyIsNotRetried() async throws {
        let server = try await FakeImagesAPI.start([
            .status(400, message: "Your request was rejected by the safety system"),
            .status(401, message: "Incorrect API key provided: \(Self.key)"),
        ])
        defer { Task { await server.stop() } }
        let generator = try generator(server)
        let refused = try await failure(of: generator, request("first"))
        #expect(refused.code == .generatorRejected && refused.httpStatus == 422)
        #expect(refused.message.contains("safety system"))
        let badKey = try await failure(of: generator, request("second"))
        #expect(badKey.code == .generatorUnavailable && badKey.message.contains("refused the API key (HTTP 401)"))
        #expect(server.requests.count == 2)
    }

    @Test func theDailyBudgetStopsCallsAndSurvivesARestart() async throws {
        let server = try await FakeImagesAPI.start([.image(Self.teal)])
        defer { Task { await server.stop() } }
        let cache = try Fixtures.scratchFolder("scene-cache").path
        let limited = { (settings: inout GeneratorSettings) in
            settings.dailyImages = 2
            settings.cacheFolder = cache
        }
        let generator = try generator(server, configure: limited)
        _ = try await onThread { try generator.scene(for: request("one")) }
        _ = try await onThread { try generator.scene(for: request("two")) }
        let error = try await failure(of: generator, request("three"))
        #expect(error.code == .budgetExceeded && error.httpStatus == 429)
        #expect(error.message.contains("daily budget of 2 images"))
        // The day's usage is on disk: a new process is still over budget, but cached scenes stay free.
        let restarted = try self.generator(server, configure: limited)
        #expect(try await failure(of: restarted, request("four")).code == .budgetExceeded)
        #expect(try await onThread { try restarted.scene(for: request("one")) }.fromCache)
        #expect(server.requests.count == 2)

        let pricey = try self.generator(server) {
            $0.dailyDollars = 0.10
            $0.dollarsPerImage = 0.08
        }
        _ = try await onThread { try pricey.scene(for: request("five")) }
        #expect(try await failure(of: pricey, request("six")).message.contains("daily budget of $0.10"))
    }

    @Test func aRepeatedRequestIsServedFromTheCacheWithNoSecondCall() async throws {
        let server = try await FakeImagesAPI.start([.image(Self.teal)])
        defer { Task { await server.stop() } }
        let generator = try generator(server)
        // Two workers asking at once still make one call.
        async let first = onThread { try generator.scene(for: request()) }
        async let second = onThread { try generator.scene(for: request()) }
        let scenes = try await [first, second]
        #expect(scenes.map(\.image) == [Self.teal, Self.teal])
        #expect(scenes.filter(\.fromCache).count == 1)
        let third = try await onThread { try generator.scene(for: request()) }
        #expect(third.fromCache)
        #expect(server.requests.count == 1)
        // Another seed is another scene.
        _ = try await onThread { try generator.scene(for: request(seed: 2)) }
        #expect(server.requests.count == 2)
    }

    @Test func theKeyNeverPrints() throws {
        var settings = GeneratorSettings()
        settings.apiKey = Secret(Self.key)
        #expect(!"\(settings)".contains(Self.key) && !String(reflecting: settings).contains(Self.key))
        #expect(!"\(settings.apiKey!)".contains(Self.key))
    }

    // MARK: missing angles, drawn from a hero shot by the edit model

    static let shot = try! FakeImagesAPI.png([250, 250, 250], size: PixelSize(width: 64, height: 64))
    static let threeQuarter = "The same mug as in the photo, seen in three-quarter view"

    private func angle(_ generator: GenerativeScenes, _ prompt: String = threeQuarter) async throws -> GeneratedScene {
        try await onThread { try generator.angle(of: Self.shot, prompt: prompt, canvas: Self.square) }
    }

    @Test func anAngleSendsTheShotAsAnImagesEdit() async throws {
        let server = try await FakeImagesAPI.start([.image(Self.teal)])
        defer { Task { await server.stop() } }
        let generator = try generator(server)
        let drawn = try await angle(generator)
        #expect(drawn == GeneratedScene(image: Self.teal, fromCache: false))
        let sent = try #require(server.requests.first)
        #expect(sent.path == "/v1/images/edits")
        #expect(sent.authorization == "Bearer \(Self.key)")
        // gpt-image models answer base64 and refuse response_format.
        #expect(sent.body == ["model": "gpt-image-1", "prompt": Self.threeQuarter, "size": "1024x1024", "n": "1"])
        let file = try #require(sent.file)
        #expect(file.field == "image" && file.name == "photo.png" && file.type == "image/png")
        #expect(file.data == Self.shot)
        #expect(generator.counters.generated == 1)
    }

    @Test func anOlderEditModelIsAskedForBase64() async throws {
        let server = try await FakeImagesAPI.start([.image(Self.teal)])
        defer { Task { await server.stop() } }
        let generator = try generator(server) { $0.editModel = "dall-e-2" }
        _ = try await angle(generator)
        #expect(server.requests.first?.body["response_format"] == "b64_json")
        #expect(server.requests.first?.body["model"] == "dall-e-2")
    }

    @Test func anAngleIsCachedByShotAndPrompt() async throws {
        let server = try await FakeImagesAPI.start([.image(Self.teal)])
        defer { Task { await server.stop() } }
        let generator = try generator(server)
        _ = try await angle(generator)
        #expect(try await angle(generator).fromCache)
        #expect(server.requests.count == 1)
        _ = try await angle(generator, "The same mug as in the photo, seen from the side")
        #expect(server.requests.count == 2)
    }

    @Test func anAngleWaitsOutA429AndGivesUpOn5xxWithinItsAttempts() async throws {
        let server = try await FakeImagesAPI.start([.status(429, retryAfter: "7"), .image(Self.teal)])
        defer { Task { await server.stop() } }
        let clock = RecordingClock()
        let generator = try generator(server, clock: clock)
        #expect(try await angle(generator).image == Self.teal)
        #expect(clock.waits == [.seconds(7)])

        let failing = try await FakeImagesAPI.start([.status(503)])
        defer { Task { await failing.stop() } }
        let tries = RecordingClock()
        let giving = try self.generator(failing, clock: tries) { $0.attempts = 3 }
        do {
            _ = try await angle(giving)
            Issue.record("expected generator_unavailable")
        } catch let error as LightboxError {
            #expect(error.code == .generatorUnavailable && error.message.contains("gave up after 3 attempts"))
        }
        #expect(failing.requests.count == 3 && tries.waits.count == 2)
    }

    @Test func scenesAndAnglesShareOneDailyBudgetThatSurvivesARestart() async throws {
        let server = try await FakeImagesAPI.start([.image(Self.teal)])
        defer { Task { await server.stop() } }
        let cache = try Fixtures.scratchFolder("scene-cache").path
        let limited = { (settings: inout GeneratorSettings) in
            settings.dailyImages = 2
            settings.cacheFolder = cache
        }
        let generator = try generator(server, configure: limited)
        _ = try await onThread { try generator.scene(for: request("one")) }
        _ = try await angle(generator)
        do {
            _ = try await angle(generator, "The same mug, seen from the back")
            Issue.record("expected budget_exceeded")
        } catch let error as LightboxError {
            #expect(error.code == .budgetExceeded && error.message.contains("daily budget of 2 images"))
        }
        let restarted = try self.generator(server, configure: limited)
        do {
            _ = try await angle(restarted, "The same mug, seen from above")
            Issue.record("expected budget_exceeded after a restart")
        } catch let error as LightboxError {
            #expect(error.code == .budgetExceeded)
        }
        // What was drawn before stays free.
        #expect(try await angle(restarted).fromCache)
        #expect(server.requests.count == 2)
    }
}
