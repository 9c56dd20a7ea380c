import Foundation
import HTTPTypes
import Hummingbird
import LightboxBatch
import LightboxCore
import LightboxIO
import NIOCore
import NIOFoundationCompat

/// `lightbox review DIR`: the review page over a batch's ledger instead of the service's
/// queue. The same page and the same API shapes (`/v1/reviews`, approve, reject, fix), one
/// key for the person running it, and decisions written into `DIR/batch.sqlite`, from which
/// the manifest exports them. A fix is kept as `DIR/hints/<sha256>.txt`; the next batch run
/// into DIR renders the photo with it.
public struct BatchReviewSite: Sendable {
    let folder: URL
    let ledger: BatchLedger
    let key: String
    /// Who decides, as the decisions record it.
    let reviewer: String
    let clock: ServiceClock

    public init(folder: URL, ledger: BatchLedger, key: String, reviewer: String, clock: ServiceClock = .system) {
        self.folder = folder
        self.ledger = ledger
        self.key = key
        self.reviewer = reviewer
        self.clock = clock
    }

    /// A key for one review session: nothing to configure, printed once by the command.
    public static func newKey() -> String { "lbr_" + APIKeys.issue().key.split(separator: "_").last.map(String.init)! }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        let routes = RouteTable()
        router.add(middleware: ErrorBodies(routes: routes))
        for (path, type, text) in [("/review", "text/html; charset=utf-8", ReviewPage.html),
                                   ("/studio/studio.css", "text/css", StudioPage.css),
                                   ("/studio/common.js", "text/javascript", StudioPage.common),
                                   ("/review/review.js", "text/javascript", ReviewPage.script)] {
            routes.on(router, .get, path) { _, _ in ServiceAPI.page(text, type: type) }
        }
        routes.on(router, .get, "/v1/reviews") { request, _ in
            try authenticate(request)
            let name = request.uri.queryParameters["state"].map(String.init) ?? "pending"
            guard ["pending", "approved", "rejected", "fixed"].contains(name) else {
                throw LightboxError.invalidOption("state", expected: "pending, approved, rejected or fixed", received: name)
            }
            return ServiceAPI.json(200, ["reviews": try ledger.reviews(state: name).map(Item.init)])
        }
        routes.on(router, .get, "/v1/image/:id") { request, context in
            try authenticate(request)
            return ServiceAPI.json(200, Item(try entry(context.parameters.get("id"))))
        }
        routes.on(router, .get, "/v1/image/:id/input") { request, context in
            try authenticate(request)
            let entry = try entry(context.parameters.get("id"))
            // The photo as the batch read it: its file, or the copy of a manifest URL it downloaded;
            // for a generated angle, the shot it was drawn from.
            let local = entry.isGeneratedAngle ? folder.appendingPathComponent(entry.beforeThumbnail ?? "")
                : URL(fileURLWithPath: entry.source)
            guard let data = try? Data(contentsOf: FileManager.default.fileExists(atPath: local.path)
                                       ? local : Downloads.file(for: entry.source, in: folder)) else {
                throw LightboxError(.notFound, "The photo \(entry.source) is no longer where the batch read it")
            }
            return Self.image(data)
        }
        routes.on(router, .get, "/v1/image/:id/preview") { request, context in
            try authenticate(request)
            let entry = try entry(context.parameters.get("id"))
            guard let first = entry.outputs.first, let data = try? Data(contentsOf: folder.appendingPathComponent(first.path)) else {
                throw LightboxError(.notFound, "\(entry.sku) has no file", detail: folder.path)
            }
            return Self.image(data)
        }
        for (action, state) in [("approve", "approved"), ("reject", "rejected")] {
            routes.on(router, .post, "/v1/reviews/:id/\(action)") { request, context in
                try authenticate(request)
                return ServiceAPI.json(200, Item(try decide(context.parameters.get("id"), state)))
            }
        }
        routes.on(router, .post, "/v1/reviews/:id/fix") { request, context in
            try authenticate(request)
            let entry = try entry(context.parameters.get("id"))
            let body = try await request.body.collect(upTo: 64 << 10)
            let fields = try RequestFields(body: body, contentType: request.headers[.contentType])
            guard let text = fields.text("hints"), let hints = MatteHints(parsing: text) else {
                throw LightboxError.invalidOption("hints", expected: ProcessOptions.Spec.matteHints.expected,
                                                  received: fields.text("hints") ?? "")
            }
            guard let inputHash = entry.inputHash else { throw LightboxError(.reviewConflict, "\(entry.sku) was never read") }
            let store = FolderBlobStore(root: folder)
            try await store.put(Data(hints.description.utf8), at: BlobKeys.hints(inputHash), contentType: "text/plain")
            let fixed = try decide(entry.id, "fixed")
            return ServiceAPI.json(202, Item(fixed))
        }
        return router
    }

    /// An approved angle's files, copied from `pending/` into its store folder: published.
    private func published(_ entry: BatchLedger.Entry) throws -> [BatchLedger.OutputFile] {
        try entry.outputs.map { file in
            var moved = file
            moved.path = String(file.path.dropFirst(BatchAngles.pendingFolder.count + 1))
            let target = folder.appendingPathComponent(moved.path)
            if !FileManager.default.fileExists(atPath: target.path) {
                try OutputStore().write(try Data(contentsOf: folder.appendingPathComponent(file.path)), to: target)
            }
            return moved
        }
    }

    private func authenticate(_ request: Request) throws {
        guard let bearer = ServiceAPI.bearer(request), APIKeys.constantTimeEqual(bearer.trimmingCharacters(in: .whitespaces), key) else {
            throw LightboxError(.unauthorized, "Send the key `lightbox review` printed, as Authorization: Bearer KEY")
        }
    }

    private func entry(_ id: String?) throws -> BatchLedger.Entry {
        guard let id, let entry = try ledger.reviews().first(where: { $0.id == id }) else {
            throw LightboxError(.notFound, "No item \(id ?? "") waits for review")
        }
        return entry
    }

    private func decide(_ id: String?, _ state: String) throws -> BatchLedger.Entry {
        let entry = try entry(id)
        guard entry.reviewState == "pending" else {
            throw LightboxError(.reviewConflict, "\(entry.sku) was already \(entry.reviewState ?? "decided")")
        }
        let outputs = state == "approved" && entry.isGeneratedAngle ? try published(entry) : nil
        guard let decided = try ledger.decide(id: entry.id, state: state, by: reviewer, at: clock.now(), outputs: outputs) else {
            throw LightboxError(.reviewConflict, "\(entry.sku) was decided meanwhile")
        }
        return decided
    }

    private static func image(_ data: Data) -> Response {
        Response(status: .ok, headers: [.contentType: ImageFormat.sniff(data)?.mediaType ?? "application/octet-stream",
                                        .cacheControl: "private, no-store"],
                 body: ResponseBody(byteBuffer: ByteBuffer(data: data)))
    }

    /// A ledger row as the review page reads a job: a kept original that failed QA is a
    /// failure with nothing to approve; the result is fetched with the key, like a generated angle.
    struct Item: Encodable {
        let id: String
        let generationId: String
        let sku: String
        let store: String
        let status: String
        let outputUrl: String?
        let qa: [String: Double]?
        let error: ErrorBody.Detail?
        let review: StatusBody.ReviewBody
        let generated: Bool?
        let angle: Angle?

        struct Angle: Encodable {
            let view: String
            let of: String
            let model: String
        }

        init(_ entry: BatchLedger.Entry) {
            let stamp = ISO8601DateFormatter()
            id = entry.id
            generationId = entry.id
            sku = entry.sku
            store = entry.store
            status = entry.status == .processed ? "completed" : "failed"
            outputUrl = nil
            qa = entry.qaScore.map { ["score": $0] }
            error = entry.status == .processed ? nil
                : ErrorBody.Detail(code: entry.reason ?? "qa_failed", message: entry.message ?? "kept the original")
            generated = entry.isGeneratedAngle ? true : nil
            angle = entry.angleView.map { Angle(view: $0, of: entry.sku, model: entry.message ?? "a generator") }
            review = StatusBody.ReviewBody(state: entry.reviewState ?? "pending", reason: entry.reviewReason ?? "",
                            flaggedAt: stamp.string(from: entry.finishedAt), decidedBy: entry.reviewedBy,
                            decidedAt: entry.reviewedAt.map(stamp.string(from:)))
        }
    }
}
