import Foundation
import LightboxCore
import LightboxIO

/// Carries out a plan: reports what it settled without work, then runs its jobs on
/// `concurrency` workers until done or stopped, and counts everything.
public struct BatchRunner {
    public let plan: BatchPlan
    public let worker: BatchWorker
    public let concurrency: Int
    public let stop: StopFlag

    public init(plan: BatchPlan, worker: BatchWorker, concurrency: Int, stop: StopFlag) {
        self.plan = plan
        self.worker = worker
        self.concurrency = concurrency
        self.stop = stop
    }

    /// `report` is called on the calling thread, once per (item, store view), in order.
    public func run(report: (BatchResult, BatchSummary) -> Void) -> BatchSummary {
        let clock = ContinuousClock(), started = clock.now
        var summary = BatchSummary()
        for entry in plan.entries where !entry.needsWork {
            guard let result = BatchResult.settled(entry) else { continue }
            summary.count(result)
            report(result, summary)
        }
        let jobs = plan.jobs
        var finished = 0
        WorkerPool(workers: concurrency).run(jobs, stop: stop, work: { [worker] job in worker.run(job) },
                                             deliver: { _, results in
            finished += 1
            summary.distinctImages += 1
            for result in results {
                summary.count(result)
                report(result, summary)
            }
        })
        summary.interrupted = finished < jobs.count
        summary.notStarted = jobs[finished...].reduce(0) { $0 + $1.entries.count }
        summary.seconds = (clock.now - started).milliseconds / 1000
        let worked = summary.processed + summary.keptOriginal.values.reduce(0, +) + summary.failures
        summary.imagesPerHour = summary.seconds > 0 ? Double(worked) / summary.seconds * 3600 : 0
        return summary
    }
}
