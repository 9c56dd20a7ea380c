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
        guard let decided = try await store.decide(id: job.id, account: account, decision: decision, now: clock.now()) else {
            throw LightboxError(.reviewConflict, "\(job.id) was decided meanwhile")
        }
        return try await status(of: decided)
    }
}
