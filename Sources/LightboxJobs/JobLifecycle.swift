import Foundation

/// The job state machine, pure: given a job, an event and the time, the job it becomes and
/// what happens to the account's credits, or nil when the event does not apply (a late
/// answer from a worker whose lease was rescued, a cancel after the job started). Every
/// store applies these transitions in one transaction, so the rules live here once.
public enum JobLifecycle {
    public enum Event: Sendable, Equatable {
        case claim(worker: String, lease: Duration)
        case heartbeat(worker: String, lease: Duration)
        case complete(worker: String)
        /// A transient failure queues the job again at `retryAt`, or ends it after the last attempt.
        case fail(worker: String, error: JobError, permanent: Bool, retryAt: Date)
        /// Handing the job back (shutdown) does not count the attempt.
        case release(worker: String)
        case leaseExpired
        case cancel
        case retryDead
    }

    /// What the transition does to the account.
    public enum Credits: Sendable, Equatable {
        case unchanged
        /// Take the reserved cost.
        case charge
        /// Release the reserved cost.
        case refund
        /// Reserve the cost again (a dead job retried).
        case reserve

        /// What the account's balance, reserved and charged columns gain.
        public func change(cost: Int) -> (balance: Int, reserved: Int, charged: Int) {
            switch self {
            case .unchanged: (0, 0, 0)
            case .charge: (-cost, -cost, cost)
            case .refund: (0, -cost, 0)
            case .reserve: (0, cost, 0)
            }
        }
    }

    public static func apply(_ event: Event, to job: Job, now: Date) -> (job: Job, credits: Credits)? {
        var next = job
        next.updatedAt = now
        switch (event, job.state) {
        case (.claim(let worker, let lease), .queued) where job.runAfter <= now:
            next.state = .processing
            next.attempts += 1
            next.leaseOwner = worker
            next.leaseExpires = now + lease.seconds
            return (next, .unchanged)
        case (.heartbeat(let worker, let lease), .processing) where job.leaseOwner == worker:
            next.leaseExpires = now + lease.seconds
            return (next, .unchanged)
        case (.complete(let worker), .processing) where job.leaseOwner == worker:
            next.state = .completed
            next.error = nil
            next.clearLease()
            return (next, .charge)
        case (.fail(let worker, let error, let permanent, let retryAt), .processing) where job.leaseOwner == worker:
            return end(next, error: error, retryAt: retryAt, permanent: permanent)
        case (.release(let worker), .processing) where job.leaseOwner == worker:
            next.state = .queued
            next.attempts -= 1
            next.runAfter = now
            next.clearLease()
            return (next, .unchanged)
        case (.leaseExpired, .processing) where (job.leaseExpires ?? .distantFuture) < now:
            return end(next, error: .leaseExpired, retryAt: now, permanent: false)
        case (.cancel, .queued):
            next.state = .failed
            next.error = .cancelled
            return (next, .refund)
        case (.retryDead, .dead):
            next.state = .queued
            next.attempts = 0
            next.runAfter = now
            return (next, .reserve)
        default:
            return nil
        }
    }

    /// Failed for good, dead after the last attempt, or queued again.
    private static func end(_ job: Job, error: JobError, retryAt: Date, permanent: Bool) -> (job: Job, credits: Credits) {
        var next = job
        next.error = error
        next.clearLease()
        if permanent {
            next.state = .failed
            return (next, .refund)
        }
        if job.attempts >= JobQueue.maxAttempts {
            next.state = .dead
            return (next, .refund)
        }
        next.state = .queued
        next.runAfter = retryAt
        return (next, .unchanged)
    }
}

extension Job {
    mutating func clearLease() {
        leaseOwner = nil
        leaseExpires = nil
    }
}
