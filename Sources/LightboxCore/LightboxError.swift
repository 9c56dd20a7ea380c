/// Every failure a user can see: a stable code, the HTTP status an API answers with, and a
/// public message that names the problem. What only an operator should read (a library's own
/// error text, a server path, SQL) goes in `detail`, which the API logs and never answers with.
public struct LightboxError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable, Codable {
        case emptyInput = "empty_input"
        case inputTooLarge = "input_too_large"
        case unsupportedFormat = "unsupported_format"
        case imageTooLarge = "image_too_large"
        case truncatedImage = "truncated_image"
        case corruptImage = "corrupt_image"
        case invalidOption = "invalid_option"
        case qaFailed = "qa_failed"
        /// Text or a watermark over the photo's background (`text-overlay refuse`).
        case textOverlay = "text_overlay"
        case modelUnavailable = "model_unavailable"
        case modelFailed = "model_failed"
        case generatorUnavailable = "generator_unavailable"
        case generatorRejected = "generator_rejected"
        case budgetExceeded = "budget_exceeded"
        /// The fallback remover (`--fallback-remover`) could not be used for a hard photo.
        case removerUnavailable = "remover_unavailable"
        case insufficientCredits = "insufficient_credits"
        case missingField = "missing_field"
        case unauthorized = "unauthorized"
        case notFound = "not_found"
        case rateLimited = "rate_limited"
        case urlForbidden = "url_forbidden"
        case urlUnreachable = "url_unreachable"
        case idempotencyMismatch = "idempotency_mismatch"
        case forbidden = "forbidden"
        case inputUnreadable = "input_unreadable"
        case outputFailed = "output_failed"
        /// The job store (PostgreSQL) or the blob store (S3) did not answer.
        case databaseUnavailable = "database_unavailable"
        case storageUnavailable = "storage_unavailable"
        /// The body is not multipart/form-data, application/x-www-form-urlencoded or JSON.
        case unsupportedMediaType = "unsupported_media_type"
        case methodNotAllowed = "method_not_allowed"
        /// A review already decided, or a decision the job cannot take.
        case reviewConflict = "review_conflict"
        /// A synchronous request's job did not finish in time (it still may).
        case timedOut = "timed_out"
        /// The client took longer than the upload timeout to send its body.
        case requestTimeout = "request_timeout"
        case `internal` = "internal_error"

        public var httpStatus: Int {
            switch self {
            case .emptyInput, .invalidOption, .missingField, .urlForbidden: 400
            case .unauthorized: 401
            case .forbidden: 403
            case .notFound: 404
            case .methodNotAllowed: 405
            case .requestTimeout: 408
            case .reviewConflict: 409
            case .inputTooLarge: 413
            case .unsupportedFormat, .unsupportedMediaType: 415
            case .imageTooLarge, .truncatedImage, .corruptImage, .qaFailed, .textOverlay, .generatorRejected, .urlUnreachable,
                 .idempotencyMismatch: 422
            case .budgetExceeded, .rateLimited: 429
            case .insufficientCredits: 402
            case .inputUnreadable: 404
            case .modelUnavailable, .generatorUnavailable, .removerUnavailable, .databaseUnavailable, .storageUnavailable: 503
            case .modelFailed, .outputFailed, .internal: 500
            case .timedOut: 504
            }
        }

        /// What a client is told when all we have is another library's error.
        public var publicMessage: String {
            switch self {
            case .outputFailed: "The result could not be stored"
            case .inputUnreadable: "The input could not be read"
            case .databaseUnavailable: "The job store did not answer"
            case .storageUnavailable: "The blob store did not answer"
            case .modelFailed: "The segmentation model failed on this image"
            default: "Internal error"
            }
        }

        /// Bad input never gets better on a retry; the rest might.
        public var isPermanent: Bool {
            switch self {
            case .modelUnavailable, .modelFailed, .outputFailed, .internal, .generatorUnavailable, .removerUnavailable, .rateLimited,
                 .databaseUnavailable, .storageUnavailable, .timedOut, .requestTimeout: false
            default: true
            }
        }
    }

    public let code: Code
    public let message: String
    /// For the log: never sent to a client.
    public let detail: String?

    public init(_ code: Code, _ message: String, detail: String? = nil) {
        self.code = code
        self.message = message
        self.detail = detail
    }

    public var httpStatus: Int { code.httpStatus }
    /// What the CLI prints and the log records: the message, then the detail.
    public var description: String { "\(code.rawValue): \(message)" + (detail.map { " (\($0))" } ?? "") }

    /// `error` as it is when it is ours, else under `code` with that code's public message and
    /// the error's own text as the detail.
    public static func from(_ error: any Error, as code: Code) -> LightboxError {
        error as? LightboxError ?? LightboxError(code, code.publicMessage, detail: String(describing: error))
    }

    /// The one helper every option check goes through, so messages read alike:
    /// "Expected integer between 0 and 45 for margin but received 'abc'".
    public static func invalidOption(_ name: String, expected: String, received: String) -> LightboxError {
        LightboxError(.invalidOption, "Expected \(expected) for \(name) but received '\(received)'")
    }
}
