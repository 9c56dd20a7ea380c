import Foundation
import HTTPTypes
import Hummingbird
import LightboxCore
import LightboxIO
import LightboxJobs
import Logging
import NIOCore
import NIOFoundationCompat

/// The HTTP API: a thin adapter that authenticates, validates at the boundary, stores the
/// input, and queues; the job store and the workers do the rest.
public struct ServiceAPI: Sendable {
    let store: any JobStore
    let blobs: any BlobStore
    let config: ServiceConfig
    let clock: ServiceClock
    let limiter: RateLimiter
    let metrics: ServiceMetrics
    let generator: GenerativeScenes?
    /// The workers' renderer, for the review page's previews; nil when this process has none.
    let renderer: Renderer?
    let links: OutputLinks
    let keys: KeyCache
    let queueDepth: QueueDepth
    let uploads: UploadLimits

    init(store: any JobStore, blobs: any BlobStore, config: ServiceConfig, clock: ServiceClock, links: OutputLinks,
         metrics: ServiceMetrics, generator: GenerativeScenes?, renderer: Renderer? = nil) {
        self.renderer = renderer
        self.links = links
        self.store = store
        self.blobs = blobs
        self.config = config
        self.clock = clock
        self.metrics = metrics
        self.generator = generator
        limiter = RateLimiter(perMinute: config.ratePerMinute, burst: config.rateBurst)
        keys = KeyCache(store: store, clock: clock)
        queueDepth = QueueDepth(store: store, clock: clock)
        uploads = UploadLimits(config: config)
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        let routes = RouteTable()
        router.add(middleware: ErrorBodies(routes: routes))
        routes.on(router, .get, "/healthz") { _, _ in Self.json(200, ["status": "ok"]) }
        routes.on(router, .get, "/readyz") { _, _ in
            _ = try await store.counts()
            return Self.json(200, ["status": "ready"])
        }
        routes.on(router, .get, "/openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
        }
        routes.on(router, .get, "/metrics") { _, _ in
            let text = metrics.render(queue: try await store.counts(), generator: generator?.counters)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        routes.on(router, .post, "/v1/image/product-photo") { request, _ in try await submit(request, .productPhoto) }
        routes.on(router, .post, "/v1/image/remove-background") { request, _ in try await submit(request, .removeBackground) }
        routes.on(router, .post, "/v1/image/replace-background") { request, _ in try await submit(request, .replaceBackground) }
        routes.on(router, .post, "/v1/image/preset-sheet") { request, _ in try await submit(request, .presetSheet) }
        routes.on(router, .get, "/v1/image/:id") { request, context in
            let account = try await authenticate(request)
            return Self.json(200, try await status(of: owned(context.parameters.get("id"), by: account)))
        }
        routes.on(router, .delete, "/v1/image/:id") { request, context in
            let account = try await authenticate(request)
            let job = try await owned(context.parameters.get("id"), by: account)
            guard try await store.cancel(id: job.id, now: clock.now()) else {
                throw LightboxError(.invalidOption, "Only a queued job can be cancelled; \(job.id) is \(job.state.rawValue)")
            }
            return Self.json(200, try await status(of: owned(job.id, by: account)))
        }
        routes.on(router, .get, "/v1/account") { request, _ in
            let account = try await authenticate(request)
            let current = try await store.account(id: account) ?? Account(id: account, balance: 0, reserved: 0, charged: 0)
            return Self.json(200, AccountBody(account: current.id, balance: current.balance, reserved: current.reserved,
                                              available: current.available, charged: current.charged))
        }
        routes.on(router, .get, "/outputs/files/:name") { request, context in
            try await file(context.parameters.get("name"), request)
        }
        for (path, type, text) in [("/studio", "text/html; charset=utf-8", StudioPage.html),
                                   ("/studio/studio.css", "text/css", StudioPage.css),
                                   ("/studio/common.js", "text/javascript", StudioPage.common),
                                   ("/studio/studio.js", "text/javascript", StudioPage.script),
                                   ("/review", "text/html; charset=utf-8", ReviewPage.html),
                                   ("/review/review.js", "text/javascript", ReviewPage.script)] {
            routes.on(router, .get, path) { _, _ in Self.page(text, type: type) }
        }
        addReviews(to: router, routes: routes)
        addRemoveBG(to: router, routes: routes)
        return router
    }

    // MARK: Endpoints

    /// The PixelAPI-style endpoints: queue the job, answer 202 with its id.
    private func submit(_ request: Request, _ endpoint: ProductPhotoForm.Endpoint) async throws -> Response {
        let account = try await authenticate(request)
        let body = try await upload(of: request, account: account)
        let idempotencyKey = try Self.idempotencyKey(request)
        let limits = config.limits
        let contentType = request.headers[.contentType]
        // Parsing, the header check and hashing in one hop off the request's thread.
        let form = try await OffLoop.run {
            try ProductPhotoForm(fields: RequestFields(body: body, contentType: contentType), endpoint: endpoint, limits: limits)
        }
        let webhook = try form.webhookURL.map {
            try PublicURL($0, field: "webhook_url", allowPrivate: config.allowPrivateURLs).url.absoluteString
        }
        let (job, _) = try await enqueue(try await photo(form.source, limits: limits), form.options, resolved: form.resolved, priority: form.priority,
                                         account: account, idempotencyKey: idempotencyKey, webhook: webhook,
                                         sheet: endpoint.sheet, angles: form.angles)
        let ahead = try await queueDepth.ahead()
        return Self.json(202, Accepted(
            id: job.id, generationId: job.id, status: Self.publicState(job.state), creditsUsed: job.cost,
            pipeline: endpoint.pipeline,
            estimatedSeconds: max(1, Int((Double(ahead) / Double(max(1, config.workers)) * 0.6).rounded(.up)))))
    }

    /// The request's body, under the key's upload limits.
    func upload(of request: Request, account: String) async throws -> ByteBuffer {
        try await uploads.body(of: request, account: account)
    }

    static func idempotencyKey(_ request: Request) throws -> String? {
        let key = request.headers[HTTPField.Name("Idempotency-Key")!]
        if let key, !(1...255).contains(key.count) {
            throw LightboxError.invalidOption("Idempotency-Key", expected: "1 to 255 characters", received: key)
        }
        return key
    }

    /// Stores the photo (and a background photo) and queues its job, or finds the same
    /// request's job: the same image with the same resolved options, background photo included,
    /// is the same generation, not queued or charged twice.
    func enqueue(_ photo: InputPhoto, _ options: [JobPayload.Pair], resolved: ProcessOptions, priority: Int,
                 account: String, idempotencyKey: String?, webhook: String?,
                 background: InputPhoto? = nil, sheet: Bool = false,
                 angles: AngleOptions? = nil) async throws -> (job: Job, created: Bool) {
        for stored in [photo, background].compactMap({ $0 }) {
            let key = BlobKeys.input(stored.name)
            if try await !blobs.exists(key) {
                try await blobs.put(stored.data, at: key, contentType: "application/octet-stream")
            }
        }
        let payload = try JSONEncoder().encode(JobPayload(input: photo.name, options: options,
                                                          backgroundImage: background?.name, sheet: sheet ? true : nil,
                                                          angles: angles))
        var rendered = resolved
        rendered.backgroundImage = background?.data
        let anglesAsked = angles.map { ["angles \($0.fill)/\($0.gallery) \($0.category.rawValue)\($0.redraw ? " redraw" : "")"] } ?? []
        let fingerprint = rendered.fingerprint(input: photo.name,
                                               extra: [webhook ?? ""] + (sheet ? ["preset-sheet"] : []) + anglesAsked)
        return try await store.enqueue(
            NewJob(account: account, payload: payload, priority: priority, cost: config.creditsPerImage,
                   idempotencyKey: idempotencyKey, fingerprint: fingerprint, webhookURL: webhook), now: clock.now())
    }

    /// The photo a form names: uploaded (checked as it was parsed), or at a URL, fetched
    /// through the URL guard and checked as an upload is. `field` names a photo that is not
    /// the main one (`bg_image_url`).
    func photo(_ source: ProductPhotoForm.Source, limits: DecodeLimits, field: String? = nil) async throws -> InputPhoto {
        switch source {
        case .upload(let photo):
            return photo
        case .url(let url):
            let data = try await RemoteImage.fetch(url, field: field ?? "image_url", limit: config.maxUploadBytes,
                                                   allowPrivate: config.allowPrivateURLs)
            return try await OffLoop.run { try InputPhoto(data, limits: limits, field: field) }
        }
    }

    func status(of job: Job) async throws -> StatusBody {
        // Most jobs have no webhook: their polls cost one query, not two.
        StatusBody(job, deliveries: job.webhookURL == nil ? [] : try await store.webhookDeliveries(id: job.id), links: links)
    }

    private func file(_ name: String?, _ request: Request) async throws -> Response {
        // Content-hash names only: nothing else on disk can be named.
        guard let name, let dot = name.firstIndex(of: "."), name[..<dot].count == 32,
              name[..<dot].allSatisfy(\.isHexDigit),
              let format = OutputFormat.allCases.first(where: { $0.fileExtension == name[name.index(after: dot)...] })
        else { throw LightboxError(.notFound, "No such output file") }
        try links.check(name, query: Dictionary(request.uri.queryParameters.map { (String($0.key), String($0.value)) },
                                                uniquingKeysWith: { first, _ in first }))
        guard let data = try await blobs.get(BlobKeys.output(name)) else { throw LightboxError(.notFound, "No such output file") }
        let etag = "\"\(name[..<dot])\""
        let caching = links.lifetime.map { "private, max-age=\(Int($0))" } ?? "public, max-age=31536000, immutable"
        var headers: HTTPFields = [.eTag: etag, .cacheControl: caching,
                                   .contentType: "image/\(format.rawValue)"]
        if request.headers[.ifNoneMatch] == etag {
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(data: data)))
    }

    // MARK: Helpers

    /// The account a key belongs to, sent as `Authorization: Bearer KEY` or as remove.bg's
    /// `X-Api-Key: KEY`; 401 for a missing or wrong key, 429 over its rate.
    func authenticate(_ request: Request) async throws -> String {
        let bearer = Self.bearer(request)
        let apiKey = request.headers[Self.apiKeyHeader]
        if let bearer, let apiKey, bearer.trimmingCharacters(in: .whitespaces) != apiKey.trimmingCharacters(in: .whitespaces) {
            throw LightboxError(.unauthorized, "Authorization and X-Api-Key name different keys; send one")
        }
        guard let key = bearer ?? apiKey,
              let (account, secret) = APIKeys.parse(key.trimmingCharacters(in: .whitespaces)),
              let stored = try await keys.hash(of: account),
              APIKeys.constantTimeEqual(APIKeys.hash(secret), stored)
        else { throw LightboxError(.unauthorized, "Send a valid API key as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'") }
        try limiter.admit(account)
        return account
    }

    static let apiKeyHeader = HTTPField.Name("X-Api-Key")!

    func owned(_ id: String?, by account: String) async throws -> Job {
        guard let id, let job = try await store.job(id: id), job.account == account else {
            throw LightboxError(.notFound, "No generation \(id ?? "") for this key")
        }
        return job
    }

    /// The states clients parse: pending, processing, completed, failed.
    static func publicState(_ state: Job.State) -> String {
        switch state {
        case .queued: "pending"
        case .processing, .completed, .failed: state.rawValue
        case .dead: "failed"
        }
    }

    /// A page or one of its assets, locked to this origin: no framing, no outside scripts.
    static func page(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [
            .contentType: type, .cacheControl: "no-cache",
            .contentSecurityPolicy: "default-src 'self'; img-src 'self' blob: data: http: https:; frame-ancestors 'none'",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff", HTTPField.Name("Referrer-Policy")!: "no-referrer",
        ], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// The token of an `Authorization: Bearer …` header.
    static func bearer(_ request: Request) -> String? {
        request.headers[.authorization].flatMap { $0.lowercased().hasPrefix("bearer ") ? String($0.dropFirst(7)) : nil }
    }

    static func json(_ status: Int, _ body: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(body)) ?? Data("{}".utf8)
        return Response(status: HTTPResponse.Status(code: status), headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(data: data)))
    }
}

/// Every error leaves as `{"error": {"code", "message"}}` with the code's HTTP status; a
/// known path asked with a method it lacks is 405 with `Allow`.
struct ErrorBodies: RouterMiddleware {
    typealias Context = BasicRequestContext
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await Self.answering(with: Self.body) { try await next(request, context) }
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = routes.methods(for: request.uri.path)
            guard !allowed.isEmpty else {
                return ServiceAPI.json(404, ErrorBody(error: .init(code: "not_found", message: "No such endpoint")))
            }
            let allow = allowed.map(\.rawValue).joined(separator: ", ")
            var response = ServiceAPI.json(405, ErrorBody(error: .init(
                code: LightboxError.Code.methodNotAllowed.rawValue,
                message: "\(request.method.rawValue) is not allowed on \(request.uri.path); use \(allow)")))
            response.headers[.allow] = allow
            return response
        }
    }
}

extension ErrorBodies {
    static let logger = Logger(label: "lightbox.api")

    /// The public message; a server error also gets a request id, which the log records with
    /// the detail (library text, paths) that the client never sees.
    static func body(_ error: LightboxError) -> Response {
        guard error.httpStatus >= 500 else {
            return ServiceAPI.json(error.httpStatus, ErrorBody(error: .init(code: error.code.rawValue, message: error.message)))
        }
        let id = ErrorBody.requestID()
        logger.error("\(id) \(error)")
        return ServiceAPI.json(error.httpStatus, ErrorBody(error: .init(
            code: error.code.rawValue, message: error.message + " (request \(id))", requestId: id)))
    }

    /// Runs `next`, answering our errors with `render`, and a rate limit with its headers too:
    /// every error shape the API speaks goes through here.
    static func answering(with render: (LightboxError) -> Response, _ next: () async throws -> Response) async throws
        -> Response {
        do {
            return try await next()
        } catch let error as LightboxError {
            return render(error)
        } catch let limited as RateLimited {
            var response = render(limited.error)
            response.headers.append(contentsOf: limited.headers)
            return response
        } catch let error as HTTPError {
            throw error
        } catch {
            // Not one of ours (a decoder's, a store's): a 500 with an id, the text only in the log.
            return render(LightboxError.from(error, as: .internal))
        }
    }
}

struct ErrorBody: Codable {
    struct Detail: Codable {
        let code: String
        let message: String
        var requestId: String? = nil
    }

    let error: Detail

    static func requestID() -> String { "req_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16) }
}

struct Accepted: Encodable {
    /// Both names: SDKs read either.
    let id: String
    let generationId: String
    let status: String
    let creditsUsed: Int
    let pipeline: [String]
    let estimatedSeconds: Int
}

struct AccountBody: Encodable {
    let account: String
    let balance: Int
    let reserved: Int
    let available: Int
    let charged: Int
}
