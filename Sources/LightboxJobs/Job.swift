import Foundation
import LightboxCore

/// One image to process for one account, as the queue keeps it.
public struct Job: Sendable, Equatable {
    public enum State: String, Sendable, Codable, CaseIterable {
        case queued, processing, completed, failed, dead
    }

    public let id: String
    public let account: String
    public var state: State
    /// Higher first: interactive API calls before batch items.
    public let priority: Int
    /// What to do, as the adapter that enqueued it wrote it (options, input location).
    public let payload: Data
    /// Credits reserved at enqueue, charged on completion, refunded on failure or cancel.
    public let cost: Int
    public let idempotencyKey: String?
    /// A hash of what was asked (input bytes and options): the same again is the same job.
    public let fingerprint: String?
    /// Attempts started so far; a released lease does not count.
    public var attempts: Int
    /// Not claimed before this time (a retry's backoff).
    public var runAfter: Date
    public var leaseOwner: String?
    public var leaseExpires: Date?
    public var error: JobError?
    /// What the adapter that ran it recorded (outputs, timings).
    public var result: Data?
    /// Called once the job ends (completed, failed or dead), until it answers 2xx.
    public var webhookURL: String?
    public let createdAt: Date
    public var updatedAt: Date
    /// A person's look at the result, when the job was sent for one.
    public var review: Review? = nil
}

/// A job sent to the review queue: why, and what a person decided.
public struct Review: Sendable, Equatable, Codable {
    public enum State: String, Sendable, Codable, CaseIterable {
        case pending, approved, rejected
        /// Replaced by a render with a person's fixes.
        case fixed
    }

    public var state: State
    /// qa_failed, low_score, touches_edge or fallback_remover (a second opinion to look at).
    public var reason: String
    public var flaggedAt: Date
    /// The account whose key decided.
    public var decidedBy: String?
    public var decidedAt: Date?

    public init(state: State, reason: String, flaggedAt: Date, decidedBy: String? = nil, decidedAt: Date? = nil) {
        self.state = state
        self.reason = reason
        self.flaggedAt = flaggedAt
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
    }

    /// From a row's review columns; nil when the job was never sent for review.
    static func from(state: String?, reason: String?, flaggedAt: Double?, by: String?, at: Double?) -> Review? {
        guard let state = state.flatMap(State.init(rawValue:)) else { return nil }
        return Review(state: state, reason: reason ?? "", flaggedAt: Date(timeIntervalSince1970: flaggedAt ?? 0),
                      decidedBy: by, decidedAt: at.map(Date.init(timeIntervalSince1970:)))
    }
}

extension Job {
    /// `gen_` and 24 random hex digits.
    static func newID() -> String {
        "gen_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(24)
    }
}

/// Why a job failed, as the API reports it: `{code, message}`.
public struct JobError: Sendable, Equatable, Codable {
    public let code: String
    public let message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public init(_ error: LightboxError) {
        self.init(code: error.code.rawValue, message: error.message)
    }

    public static let cancelled = JobError(code: "cancelled", message: "Cancelled before it started; the credits were refunded")
    public static let leaseExpired = JobError(code: "lease_expired", message: "The worker stopped answering while processing")
}

/// What an adapter asks the queue to run.
public struct NewJob: Sendable {
    public var account: String
    public var payload: Data
    public var priority: Int
    public var cost: Int
    public var idempotencyKey: String?
    public var fingerprint: String?
    public var webhookURL: String?

    public init(account: String, payload: Data, priority: Int = JobPriority.interactive, cost: Int = 1,
                idempotencyKey: String? = nil, fingerprint: String? = nil, webhookURL: String? = nil) {
        self.webhookURL = webhookURL
        self.fingerprint = fingerprint
        self.account = account
        self.payload = payload
        self.priority = priority
        self.cost = cost
        self.idempotencyKey = idempotencyKey
    }
}

public enum JobPriority {
    public static let interactive = 10
    public static let batch = 0
}

/// An account: a hashed API key and its credits.
public struct Account: Sendable, Equatable {
    public let id: String
    public var balance: Int
    /// Held by queued and processing jobs.
    public var reserved: Int
    public var charged: Int

    public init(id: String, balance: Int, reserved: Int, charged: Int) {
        self.id = id
        self.balance = balance
        self.reserved = reserved
        self.charged = charged
    }

    public var available: Int { balance - reserved }
}

/// One attempt to call a job's webhook.
public struct WebhookDelivery: Sendable, Equatable, Codable {
    public let attempt: Int
    public let at: Date
    /// The HTTP status the endpoint answered, or nil when it could not be reached.
    public let statusCode: Int?
    public let error: String?

    public init(attempt: Int, at: Date, statusCode: Int?, error: String?) {
        self.attempt = attempt
        self.at = at
        self.statusCode = statusCode
        self.error = error
    }

    public var delivered: Bool { statusCode.map { (200..<300).contains($0) } ?? false }
}
