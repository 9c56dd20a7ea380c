import Foundation
import LightboxCore
import LightboxJobs

/// A generation as `GET /v1/image/{id}` shows it, and as its webhook carries it.
struct StatusBody: Encodable {
    struct Webhook: Encodable {
        struct Attempt: Encodable {
            let attempt: Int
            let at: String
            let statusCode: Int?
            let error: String?
        }

        let url: String
        let deliveries: [Attempt]
    }

    let generationId: String
    let status: String
    let attempts: Int
    let outputUrl: String?
    let outputs: [String: String]
    let error: ErrorBody.Detail?
    let timingsMs: [String: Double]
    let qa: QAReport?
    let notes: [String]
    let creditsUsed: Int
    let webhook: Webhook?
    let review: ReviewBody?
    /// Made by a generative model: its outputs are listed once a person approves it.
    let generated: Bool?
    let angle: JobReport.AngleBody?
    let angles: JobReport.AnglesBody?

    struct ReviewBody: Encodable {
        let state: String
        let reason: String
        let flaggedAt: String
        let decidedBy: String?
        let decidedAt: String?
    }

    init(_ job: Job, deliveries: [WebhookDelivery], links: OutputLinks) {
        let report = job.result.flatMap { try? JSONDecoder().decode(JobReport.self, from: $0) }
        generationId = job.id
        status = ServiceAPI.publicState(job.state)
        attempts = job.attempts
        let published = report?.generated != true || job.review?.state == .approved ? report?.outputs ?? [] : []
        outputUrl = published.first.map { links.link($0.file) }
        outputs = Dictionary(published.map { ($0.format, links.link($0.file)) }, uniquingKeysWith: { first, _ in first })
        generated = report?.generated
        angle = report?.angle
        angles = report?.angles
        error = job.state == .completed ? nil : job.error.map { ErrorBody.Detail(code: $0.code, message: $0.message) }
        timingsMs = report?.timingsMs ?? [:]
        qa = report?.qa
        notes = report?.notes ?? []
        creditsUsed = job.state == .completed ? job.cost : 0
        let stamp = ISO8601DateFormatter()
        review = job.review.map {
            ReviewBody(state: $0.state.rawValue, reason: $0.reason, flaggedAt: stamp.string(from: $0.flaggedAt),
                       decidedBy: $0.decidedBy, decidedAt: $0.decidedAt.map(stamp.string(from:)))
        }
        webhook = job.webhookURL.map { url in
            Webhook(url: url, deliveries: deliveries.map {
                .init(attempt: $0.attempt, at: stamp.string(from: $0.at), statusCode: $0.statusCode, error: $0.error)
            })
        }
    }
}
