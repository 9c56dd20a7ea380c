import AsyncHTTPClient
import Foundation
import LightboxCore
import NIOCore
import NIOFoundationCompat

/// Sends a photo to an external remove.bg-compatible remover and returns its cutout, a PNG
/// whose alpha then stands in for our model's mask (`ProcessOptions.suppliedMatte`). Each
/// photo costs one image of a daily budget that survives restarts; 429 and 5xx are retried
/// with backoff, after `Retry-After` when given. Blocking: called from worker threads.
public final class FallbackRemover: Sendable {
    let settings: FallbackRemoverSettings
    let endpoint: URL
    let budget: DailyBudget
    let clock: any GeneratorClock
    let backoff: Backoff
    private let client: HTTPClient
    /// A full-size RGBA PNG of a 25 MP photo stays well under this.
    static let maxAnswerBytes = 100 << 20

    /// Nil when no URL is configured.
    public init?(settings: FallbackRemoverSettings, clock: any GeneratorClock = SystemGeneratorClock(),
                 backoff: Backoff = Backoff()) {
        guard let url = settings.url else { return nil }
        self.settings = settings
        endpoint = url
        budget = DailyBudget(spender: "fallback remover", file: settings.usageURL(), dailyImages: settings.dailyImages,
                             dailyDollars: settings.dailyDollars, dollarsPerImage: settings.dollarsPerImage)
        self.clock = clock
        self.backoff = backoff
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(10))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    deinit {
        try? client.syncShutdown()
    }

    /// Today's use, as saved.
    public var usedToday: (images: Int, dollars: Double) {
        let usage = budget.usage
        return usage.day == DailyBudget.day(of: clock.now) ? (usage.images, usage.dollars) : (0, 0)
    }

    /// The remover's cutout of `photo`: a PNG with an alpha band, at most `limits` in size.
    public func cutout(of photo: Data, limits: DecodeLimits) throws -> Data {
        try budget.reserve(now: clock.now)
        do {
            let cutout = try call(photo, limits: limits)
            budget.commit()
            return cutout
        } catch {
            budget.release()
            throw error
        }
    }

    private enum Answer {
        case image(Data)
        case retryable(LightboxError, retryAfter: Duration?)
    }

    private func call(_ photo: Data, limits: DecodeLimits) throws -> Data {
        var attempt = 0
        while true {
            attempt += 1
            switch try send(photo) {
            case .image(let data):
                guard ImageFormat.sniff(data) == .png else {
                    throw unavailable("answered with something other than a PNG cutout")
                }
                _ = try Decode.probe(data, limits: limits)
                return data
            case .retryable(let error, let retryAfter):
                guard attempt < settings.attempts else {
                    throw LightboxError(error.code, error.message + " (gave up after \(attempt) attempt\(attempt == 1 ? "" : "s"))")
                }
                clock.sleep(for: backoff.delay(after: attempt, retryAfter: retryAfter, unit: .random(in: -1...1)))
            }
        }
    }

    /// One call, as remove.bg's clients make it: multipart `image_file`, full size, PNG.
    private func send(_ photo: Data) throws -> Answer {
        let form = MultipartBody.photo(photo, field: "image_file", fields: [("size", "full"), ("format", "png")])
        let sent = ServiceCall.send(on: client, timeout: .milliseconds(Int64(settings.timeoutSeconds * 1000)),
                                    maxBytes: Self.maxAnswerBytes) {
            var request = try HTTPClient.Request(url: endpoint.absoluteString, method: .POST)
            request.headers.add(name: "Content-Type", value: form.contentType)
            request.headers.add(name: "Accept", value: "image/png")
            if let key = settings.apiKey { request.headers.add(name: "X-Api-Key", value: key.value) }
            request.body = .data(form.data)
            return request
        }
        let response: HTTPClient.Response
        switch sent {
        case .success(let answer): response = answer
        case .failure(let failure):
            let error = unavailable(redacted(failure.what))
            guard failure.isRetryable else { throw error }
            return .retryable(error, retryAfter: nil)
        }
        let status = Int(response.status.code)
        let body = response.body.map { Data(buffer: $0) } ?? Data()
        switch status {
        case 200..<300:
            return .image(body)
        case 429, 500..<600:
            let retryAfter = response.headers.first(name: "Retry-After").flatMap { Backoff.parseRetryAfter($0, now: clock.now) }
            return .retryable(unavailable("answered HTTP \(status)\(message(in: body))"), retryAfter: retryAfter)
        case 401, 403:
            throw unavailable("refused the API key (HTTP \(status))")
        case 402:
            throw unavailable("has no credits left (HTTP 402)")
        default:
            throw unavailable("could not cut out the photo (HTTP \(status))\(message(in: body))")
        }
    }

    private func unavailable(_ what: String) -> LightboxError {
        LightboxError(.removerUnavailable, "The fallback remover at \(endpoint.host ?? "?") \(what)")
    }

    /// `: title` from remove.bg's `{"errors": [{"title": …}]}`, short and without the key.
    private func message(in body: Data) -> String {
        struct Failure: Decodable {
            struct Item: Decodable { let title: String? }
            let errors: [Item]
        }
        guard let title = (try? JSONDecoder().decode(Failure.self, from: body))?.errors.first?.title, !title.isEmpty
        else { return "" }
        return ": " + redacted(String(title.prefix(300)))
    }

    private func redacted(_ text: String) -> String { settings.apiKey?.redacting(text) ?? text }
}
