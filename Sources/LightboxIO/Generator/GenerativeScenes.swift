import AsyncHTTPClient
import Crypto
import Foundation
import LightboxCore
import Synchronization

/// The generative backend: scenes from an OpenAI-compatible images API, cached by
/// (prompt, size, seed), and a product's missing angles drawn from its hero shot, cached by
/// (shot, prompt, size); both kept within one daily budget and retried with backoff.
/// Blocking: it is called from the pipeline's worker threads.
public final class GenerativeScenes: SceneGenerator {
    public struct Counters: Sendable, Equatable {
        public var calls = 0
        public var generated = 0
        public var cacheHits = 0
        public var dollars = 0.0
    }

    let settings: GeneratorSettings
    let api: ImagesAPIClient
    let cache: SceneCache
    let budget: DailyBudget
    let clock: any GeneratorClock
    let backoff: Backoff
    let unitRandom: @Sendable () -> Double
    private let httpClient: HTTPClient
    private let flights = SingleFlight()
    private let counted = Mutex(Counters())

    /// Nil when no base URL is configured.
    public convenience init?(settings: GeneratorSettings) {
        self.init(settings: settings, clock: SystemGeneratorClock())
    }

    public init?(settings: GeneratorSettings, clock: any GeneratorClock, backoff: Backoff = Backoff(),
                 unitRandom: @escaping @Sendable () -> Double = { .random(in: -1...1) }) {
        guard let baseURL = settings.baseURL else { return nil }
        self.settings = settings
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(10))
        httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        api = ImagesAPIClient(client: httpClient, settings: settings, baseURL: baseURL)
        let folder = settings.cacheURL()
        cache = SceneCache(folder: folder, maxBytes: settings.cacheMegabytes << 20)
        budget = DailyBudget(spender: "generator", file: folder.appendingPathComponent("usage.json"), dailyImages: settings.dailyImages,
                                 dailyDollars: settings.dailyDollars, dollarsPerImage: settings.dollarsPerImage)
        self.clock = clock
        self.backoff = backoff
        self.unitRandom = unitRandom
    }

    deinit {
        try? httpClient.syncShutdown()
    }

    public var counters: Counters { counted.withLock { $0 } }

    public func scene(for request: SceneRequest) throws -> GeneratedScene {
        let size = settings.requestSize(for: request.canvas)
        let key = SceneCache.key(model: settings.model, size: size, seed: request.seed, prompt: request.prompt)
        return try cached(key) { now in api.generate(prompt: request.prompt, size: size, now: now) }
    }

    /// `shot` (a cleaned hero shot) seen as `prompt` asks, by the edit model: a product's
    /// missing angle. The same shot and prompt again is a cache hit and costs nothing.
    public func angle(of shot: Data, prompt: String, canvas: PixelSize) throws -> GeneratedScene {
        // The images API takes PNG, JPEG and WebP.
        let shot = ImageFormat.sniff(shot) == .heif ? try VipsImage.decode(shot).encoded(as: .png) : shot
        let size = settings.requestSize(for: canvas)
        let key = SceneCache.key(model: settings.editModel, size: size, seed: 0,
                                 prompt: SHA256.hash(data: shot).hex + "\n" + prompt)
        return try cached(key) { now in api.edit(photo: shot, prompt: prompt, size: size, now: now) }
    }

    public var editModel: String { settings.editModel }

    /// The cached image for `key`, or one call's image, paid for from the day's budget.
    private func cached(_ key: String, call: (Date) -> ImagesAPIClient.Outcome) throws -> GeneratedScene {
        try flights.run(key) {
            if let cached = cache.read(key) {
                counted.withLock { $0.cacheHits += 1 }
                return GeneratedScene(image: cached, fromCache: true)
            }
            try budget.reserve(now: clock.now)
            do {
                let image = try generate(call)
                budget.commit()
                counted.withLock {
                    $0.generated += 1
                    $0.dollars += settings.dollarsPerImage
                }
                cache.write(image, for: key)
                return GeneratedScene(image: image, fromCache: false)
            } catch {
                budget.release()
                throw error
            }
        }
    }

    private func generate(_ call: (Date) -> ImagesAPIClient.Outcome) throws -> Data {
        var attempt = 0
        while true {
            attempt += 1
            counted.withLock { $0.calls += 1 }
            switch call(clock.now) {
            case .image(let data):
                guard ImageFormat.sniff(data) != nil else {
                    throw LightboxError(.generatorUnavailable, "The generator's b64_json is not a PNG, JPEG or WebP image")
                }
                return data
            case .failed(let error):
                throw error
            case .retryable(let error, let retryAfter):
                guard attempt < settings.attempts else {
                    throw LightboxError(error.code, error.message + " (gave up after \(attempt) attempt\(attempt == 1 ? "" : "s"))")
                }
                clock.sleep(for: backoff.delay(after: attempt, retryAfter: retryAfter, unit: unitRandom()))
            }
        }
    }
}
