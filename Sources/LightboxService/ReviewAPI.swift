import Foundation
import HTTPTypes
import Hummingbird
import LightboxCore
import LightboxIO
import LightboxJobs
import NIOCore
import NIOFoundationCompat

/// The review queue over HTTP: a key lists its jobs waiting for a person, and approves
/// (publishes: the webhook goes) or rejects them (the original stays). Each decision is
/// recorded with the account and the time, and shown in the job.
extension ServiceAPI {
    func addReviews(to router: Router<BasicRequestContext>, routes: RouteTable) {
        routes.on(router, .get, "/v1/reviews") { request, _ in
            let account = try await authenticate(request)
            let name = request.uri.queryParameters["state"].map(String.init) ?? "pending"
            guard let state = Review.State(rawValue: name) else {
                throw LightboxError.invalidOption("state", expected: "pending, approved or rejected", received: name)
            }
            var listed: [StatusBody] = []
            for job in try await store.reviews(account: account, state: state, limit: 200) {
                listed.append(try await status(of: job))
            }
            return Self.json(200, ["reviews": listed])
        }
        for (action, decision) in [("approve", Review.State.approved), ("reject", .rejected)] {
            routes.on(router, .post, "/v1/reviews/:id/\(action)") { request, context in
                let account = try await authenticate(request)
                return Self.json(200, try await decide(context.parameters.get("id"), decision, by: account))
            }
        }
        routes.on(router, .post, "/v1/reviews/:id/preview") { request, context in
            let account = try await authenticate(request)
            return try await preview(context.parameters.get("id"), request, by: account)
        }
        routes.on(router, .post, "/v1/reviews/:id/fix") { request, context in
            let account = try await authenticate(request)
            return try await fix(context.parameters.get("id"), request, by: account)
        }
        routes.on(router, .delete, "/v1/image/:id/hints") { request, context in
            let account = try await authenticate(request)
            let job = try await owned(context.parameters.get("id"), by: account)
            let payload = try JSONDecoder().decode(JobPayload.self, from: job.payload)
            // Blobs are never deleted here: an empty text is "no fixes".
            try await blobs.put(Data(), at: BlobKeys.hints(BlobKeys.digest(ofInput: payload.input)), contentType: "text/plain")
            return Self.json(200, ["status": "removed"])
        }
        routes.on(router, .get, "/v1/image/:id/preview") { request, context in
            let account = try await authenticate(request)
            return try await preview(context.parameters.get("id"), by: account)
        }
        routes.on(router, .get, "/v1/image/:id/input") { request, context in
            let account = try await authenticate(request)
            let job = try await owned(context.parameters.get("id"), by: account)
            let payload = try JSONDecoder().decode(JobPayload.self, from: job.payload)
            guard let data = try await blobs.get(BlobKeys.input(payload.input)) else {
                throw LightboxError(.notFound, "The input of \(job.id) is no longer stored")
            }
            return Response(status: .ok, headers: [.contentType: ImageFormat.sniff(data)?.mediaType ?? "application/octet-stream",
                                                   .cacheControl: "private, max-age=3600"],
                            body: ResponseBody(byteBuffer: ByteBuffer(data: data)))
        }
    }

    /// The result as the person's points would make it, rendered at once and kept nowhere:
    /// the mask comes from the cache the job's render filled, so only the refinement,
    /// framing and encoding run again.
    private func preview(_ id: String?, _ request: Request, by account: String) async throws -> Response {
        let job = try await owned(id, by: account)
        guard job.review?.state == .pending else { throw LightboxError(.reviewConflict, "\(job.id) is not waiting for review") }
        let payload = try JSONDecoder().decode(JobPayload.self, from: job.payload)
        guard payload.angle == nil, payload.sheet != true, let renderer else {
            throw LightboxError(.reviewConflict, "\(job.id) has no cutout to preview a fix of")
        }
        let fields = try RequestFields(body: try await upload(of: request, account: account), contentType: request.headers[.contentType])
        let text = fields.text("hints") ?? ""
        guard text.isEmpty || MatteHints(parsing: text) != nil else {
            throw LightboxError.invalidOption("hints", expected: ProcessOptions.Spec.matteHints.expected, received: text)
        }
        var options = config.engine.applied(to: try ProcessOptions.resolve(payload.options.map { (name: $0.name, value: $0.value) }))
        options.matteHints = MatteHints(parsing: text)
        if let name = payload.backgroundImage { options.backgroundImage = try await blobs.get(BlobKeys.input(name)) }
        // One quick format: JPEG, or PNG where there is transparency to show.
        options.formats = options.background == .transparent ? [.png] : [.jpeg]
        options.channels = .rgba
        guard let photo = try await blobs.get(BlobKeys.input(payload.input)) else {
            throw LightboxError(.notFound, "The input of \(job.id) is no longer stored")
        }
        let started = ContinuousClock.now
        let settled = options
        let rendering = try await OffLoop.run {
            renderer.render(read: { photo }, options: settled, hintKey: BlobKeys.digest(ofInput: payload.input), write: { $0.fileName })
        }
        if let error = rendering.error { throw error }
        guard let image = rendering.outcome?.outputs.first else { throw LightboxError(.internal, "The preview has no image") }
        let cached = rendering.outcome?.notes.contains("mask from the cache") == true
        return Response(status: .ok, headers: [
            .contentType: image.format.mediaType, .cacheControl: "private, no-store",
            HTTPField.Name("Lightbox-Render-Ms")!: String(Int((ContinuousClock.now - started).milliseconds.rounded())),
            HTTPField.Name("Lightbox-Mask")!: cached ? "cached" : "computed",
        ], body: ResponseBody(byteBuffer: ByteBuffer(data: image.data)))
    }

    /// Keeps the person's points for this photo (every later render of it uses them, here and
    /// in `lightbox process --hints`), renders it again as a new generation, and marks the
    /// reviewed one as fixed.
    private func fix(_ id: String?, _ request: Request, by account: String) async throws -> Response {
        let job = try await owned(id, by: account)
        guard job.review?.state == .pending else {
            throw LightboxError(.reviewConflict, "\(job.id) is not waiting for review")
        }
        let payload = try JSONDecoder().decode(JobPayload.self, from: job.payload)
        guard payload.angle == nil else {
            throw LightboxError(.reviewConflict, "\(job.id) is a generated angle: approve or reject it; a fix applies to photos")
        }
        let body = try await upload(of: request, account: account)
        let fields = try RequestFields(body: body, contentType: request.headers[.contentType])
        guard let text = fields.text("hints"), !text.isEmpty else {
            throw LightboxError(.missingField, "The hints field is missing: remove:X,Y or keep:X,Y points, separated by ;")
        }
        guard let hints = MatteHints(parsing: text) else {
            throw LightboxError.invalidOption("hints", expected: ProcessOptions.Spec.matteHints.expected, received: text)
        }
        try await blobs.put(Data(hints.description.utf8), at: BlobKeys.hints(BlobKeys.digest(ofInput: payload.input)),
                            contentType: "text/plain")
        // Checked and named when they first came in.
        func stored(_ name: String) async throws -> InputPhoto {
            guard let data = try await blobs.get(BlobKeys.input(name)) else {
                throw LightboxError(.notFound, "The input of \(job.id) is no longer stored")
            }
            return InputPhoto(stored: data, name: name)
        }
        var resolved = try ProcessOptions.resolve(payload.options.map { (name: $0.name, value: $0.value) })
        resolved.matteHints = hints
        var background: InputPhoto?
        if let name = payload.backgroundImage { background = try await stored(name) }
        let (next, _) = try await enqueue(try await stored(payload.input), payload.options, resolved: resolved, priority: 10,
                                          account: account, idempotencyKey: nil, webhook: job.webhookURL,
                                          background: background)
        _ = try await store.decide(id: job.id, account: account, decision: .fixed, now: clock.now())
        return Self.json(202, Fixed(id: next.id, generationId: next.id, status: Self.publicState(next.state), fixes: job.id,
                                    hints: hints.description))
    }

    /// The first output of a job, for its owner's eyes only: how a person sees a generated
    /// angle that is not published yet.
    private func preview(_ id: String?, by account: String) async throws -> Response {
        let job = try await owned(id, by: account)
        guard let report = job.result.flatMap({ try? JSONDecoder().decode(JobReport.self, from: $0) }),
              let first = report.outputs.first else {
            throw LightboxError(.notFound, "\(job.id) has no result to show")
        }
        let key = report.generated == true && job.review?.state != .approved ? BlobKeys.pending(first.file) : BlobKeys.output(first.file)
        guard let data = try await blobs.get(key) else { throw LightboxError(.notFound, "The result of \(job.id) is no longer stored") }
        return Response(status: .ok, headers: [.contentType: "image/\(first.format)", .cacheControl: "private, no-store"],
                        body: ResponseBody(byteBuffer: ByteBuffer(data: data)))
    }

    /// A generated angle's outputs, moved from `pending/` to where output links point.
    private func publish(_ job: Job) async throws {
        guard let report = job.result.flatMap({ try? JSONDecoder().decode(JobReport.self, from: $0) }),
              report.generated == true else { return }
        for output in report.outputs where try await !blobs.exists(BlobKeys.output(output.file)) {
            guard let data = try await blobs.get(BlobKeys.pending(output.file)) else {
                throw LightboxError(.notFound, "The generated \(output.format) of \(job.id) is no longer stored")
            }
            try await blobs.put(data, at: BlobKeys.output(output.file), contentType: "image/\(output.format)")
        }
    }

    private func decide(_ id: String?, _ decision: Review.State, by account: String) async throws -> StatusBody {
        let job = try await owned(id, by: account)
        guard let review = job.review else {
            throw LightboxError(.reviewConflict, "\(job.id) is not in the review queue")
        }
        guard review.state == .pending else {
            throw LightboxError(.reviewConflict, "\(job.id) was already \(review.state.rawValue)")
        }
        if decision == .approved, job.state != .completed {
            throw LightboxError(.reviewConflict, "\(job.id) has no result to publish (it \(Self.publicState(job.state)))")
        }
        // Before the decision, so that the webhook it sends links to files that are there.
        if decision == .approved { try await publish(job) }
        guard let decided = try await store.decide(id: job.id, account: account, decision: decision, now: clock.now()) else {
            throw LightboxError(.reviewConflict, "\(job.id) was decided meanwhile")
        }
        return try await status(of: decided)
    }
}

/// What `POST /v1/reviews/{id}/fix` answers: the new generation, and the one it replaces.
struct Fixed: Encodable {
    let id: String
    let generationId: String
    let status: String
    let fixes: String
    let hints: String
}
