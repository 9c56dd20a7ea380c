import Foundation
import HTTPTypes
import Hummingbird
import LightboxCore
import LightboxIO
import LightboxJobs
import NIOCore
import NIOFoundationCompat
import ZIPFoundation

/// remove.bg's API v1.0, so that its clients work by changing the base URL: the request is
/// queued like any other (same workers, same charge, same dedup), and the answer waits for it.
extension ServiceAPI {
    func addRemoveBG(to router: Router<BasicRequestContext>, routes: RouteTable) {
        let group = router.group("v1.0").add(middleware: RemoveBGErrors())
        routes.on(group, .post, "removebg", prefix: "/v1.0") { request, _ in try await removeBG(request) }
        routes.on(group, .get, "account", prefix: "/v1.0") { request, _ in try await removeBGAccount(request) }
    }

    private func removeBG(_ request: Request) async throws -> Response {
        let account = try await authenticate(request)
        let body = try await upload(of: request, account: account)
        let limits = config.limits
        let contentType = request.headers[.contentType]
        let form = try await OffLoop.run { try RemoveBGForm(fields: RequestFields(body: body, contentType: contentType), limits: limits) }
        let input = try await photo(form.source, limits: limits)
        var background: InputPhoto?
        if let source = form.backgroundSource { background = try await photo(source, limits: limits, field: "bg_image_url") }
        let (queued, created) = try await enqueue(input, form.options, resolved: form.resolved, priority: 10, account: account,
                                                  idempotencyKey: try Self.idempotencyKey(request), webhook: nil,
                                                  background: background)
        let job = try await finished(queued)
        metrics.recordSynchronous(result: job.state == .completed ? "completed" : "failed")
        guard job.state == .completed, let result = job.result,
              let report = try? JSONDecoder().decode(JobReport.self, from: result) else {
            let error = job.error.map { LightboxError(LightboxError.Code(rawValue: $0.code) ?? .internal, $0.message) }
            throw error ?? LightboxError(.internal, "The job \(job.id) ended without a result")
        }
        var files: [Data] = []
        for output in report.outputs {
            guard let data = try await blobs.get(BlobKeys.output(output.file)) else {
                throw LightboxError(.storageUnavailable, "The output \(output.file) is missing", detail: "\(blobs)")
            }
            files.append(data)
        }
        let (data, mediaType) = try Self.package(files, as: form.packaging)
        let frame = report.foreground ?? PixelRect(x: 0, y: 0, width: 0, height: 0)
        let size = report.outputs.first.map { PixelSize(width: $0.width, height: $0.height) } ?? PixelSize(width: 0, height: 0)
        var headers: HTTPFields = [.contentType: mediaType]
        let fields: [(String, String)] = [
            ("X-Type", form.foregroundType), ("X-Width", String(size.width)), ("X-Height", String(size.height)),
            // A request answered by an earlier identical job is not charged again.
            ("X-Credits-Charged", String(created ? job.cost : 0)), ("X-Generation-Id", job.id),
            ("X-Foreground-Top", String(frame.y)), ("X-Foreground-Left", String(frame.x)),
            ("X-Foreground-Width", String(frame.width)), ("X-Foreground-Height", String(frame.height)),
        ]
        for (name, value) in fields { headers[HTTPField.Name(name)!] = value }
        if request.headers[.accept]?.lowercased().contains("application/json") == true {
            headers[.contentType] = "application/json"
            let answer = RemoveBGResult(data: .init(resultB64: data.base64EncodedString(), foregroundTop: frame.y,
                                                    foregroundLeft: frame.x, foregroundWidth: frame.width,
                                                    foregroundHeight: frame.height))
            var response = Self.json(200, answer)
            response.headers.append(contentsOf: headers.filter { $0.name != .contentType })
            return response
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(data: data)))
    }

    /// Waits for the job to end, checking often at first. At the timeout a job no worker took
    /// is cancelled (refunded) for 503; one still running goes on, for 504: asking again with
    /// the same request then answers from it without a second charge.
    private func finished(_ job: Job) async throws -> Job {
        let deadline = clock.now().addingTimeInterval(Double(config.syncTimeoutSeconds))
        var pause = 0.02
        var current = job
        while ![.completed, .failed, .dead].contains(current.state) {
            guard clock.now() < deadline else {
                if current.state == .queued, try await store.cancel(id: job.id, now: clock.now()) {
                    metrics.recordSynchronous(result: "not_taken")
                    throw LightboxError(.modelUnavailable, "No worker took the image within \(config.syncTimeoutSeconds) s; "
                                        + "it was not charged. Try again later")
                }
                metrics.recordSynchronous(result: "timed_out")
                throw LightboxError(.timedOut, "The image is still being processed after \(config.syncTimeoutSeconds) s "
                                    + "(generation \(job.id)); send the same request again to collect it without a second charge")
            }
            try await Task.sleep(for: .seconds(pause))
            pause = min(pause * 1.5, 0.25)
            current = try await store.job(id: job.id) ?? current
        }
        return current
    }

    /// The answer's bytes: the image, or remove.bg's ZIP of color.jpg and alpha.png.
    private static func package(_ files: [Data], as packaging: RemoveBGForm.Packaging) throws -> (Data, String) {
        switch packaging {
        case .image(let format):
            return (files.first ?? Data(), format.mediaType)
        case .zip:
            guard files.count == 2 else { throw LightboxError(.internal, "A ZIP answer needs a colour and an alpha file") }
            do {
                let archive = try Archive(accessMode: .create)
                for (name, data) in zip(["color.jpg", "alpha.png"], files) {
                    try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count),
                                         compressionMethod: .none) { position, size in
                        data.subdata(in: Int(position)..<Int(position) + size)
                    }
                }
                return (archive.data ?? Data(), "application/zip")
            } catch {
                throw LightboxError(.outputFailed, "Writing the ZIP failed", detail: "\(error)")
            }
        }
    }

    private func removeBGAccount(_ request: Request) async throws -> Response {
        let account = try await authenticate(request)
        let current = try await store.account(id: account) ?? Account(id: account, balance: 0, reserved: 0, charged: 0)
        // Our credits are all bought (pay as you go); there are no free calls or subscriptions.
        return Self.json(200, RemoveBGAccount(data: .init(attributes: .init(
            credits: .init(total: current.available, subscription: 0, payg: current.available, enterprise: 0),
            api: .init(freeCalls: 0, sizes: "all")))))
    }
}

/// Errors in remove.bg's shape, `{"errors": [{"title", "code", "detail"}]}`, with its statuses:
/// 400 for any bad request (it names the parameter), 402, 403 for keys, 413, 415, 429.
struct RemoveBGErrors: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await ErrorBodies.answering(with: Self.response) { try await next(request, context) }
    }

    static func response(_ error: LightboxError) -> Response {
        let (status, code): (Int, String) = switch error.code {
        case .unauthorized, .forbidden: (403, "auth_failed")
        case .insufficientCredits: (402, "insufficient_credits")
        case .inputTooLarge, .imageTooLarge: (413, "file_too_large")
        case .unsupportedFormat, .unsupportedMediaType: (415, "unsupported_media_type")
        case .rateLimited: (429, "rate_limit_exceeded")
        case .qaFailed: (400, "unknown_foreground")
        case .missingField: (400, "missing_source")
        case .invalidOption: (400, "invalid_parameter")
        case .emptyInput, .truncatedImage, .corruptImage, .urlForbidden, .urlUnreachable, .idempotencyMismatch:
            (400, error.code.rawValue)
        default: (error.httpStatus, error.code.rawValue)
        }
        return ServiceAPI.json(status, RemoveBGErrorBody(errors: [.init(title: error.message, code: code,
                                                                          detail: error.code.rawValue)]))
    }
}

struct RemoveBGErrorBody: Encodable {
    struct Entry: Encodable {
        let title: String
        let code: String
        /// Lightbox's own stable code.
        let detail: String
    }

    let errors: [Entry]
}

struct RemoveBGResult: Encodable {
    struct Body: Encodable {
        let resultB64: String
        let foregroundTop: Int
        let foregroundLeft: Int
        let foregroundWidth: Int
        let foregroundHeight: Int
    }

    let data: Body
}

struct RemoveBGAccount: Encodable {
    struct Attributes: Encodable {
        struct Credits: Encodable {
            let total: Int
            let subscription: Int
            let payg: Int
            let enterprise: Int
        }

        struct API: Encodable {
            let freeCalls: Int
            let sizes: String
        }

        let credits: Credits
        let api: API
    }

    struct Body: Encodable {
        let attributes: Attributes
    }

    let data: Body
}
