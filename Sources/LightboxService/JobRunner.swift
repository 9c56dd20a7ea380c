import Foundation
import LightboxCore
import LightboxIO
import LightboxJobs
import Synchronization

/// In-process workers: each a thread that claims a job, runs the pipeline, writes the
/// outputs (content-named, so a re-run writes nothing new) and completes or fails it.
/// The pipeline is CPU-bound and synchronous, so it runs on its own threads, never on
/// the few threads that serve HTTP. Leases are kept alive by a heartbeat while a job runs.
public final class JobRunner: Sendable {
    let store: any JobStore
    let config: ServiceConfig
    let pipeline: Pipeline
    let services: PipelineServices
    let metrics: ServiceMetrics
    let name = "worker-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(6))"
    private let stopping = Atomic<Bool>(false)
    /// Job id → the worker holding its lease.
    private let running = Mutex<[String: String]>([:])
    private let finished = DispatchGroup()

    public init(store: any JobStore, config: ServiceConfig, pipeline: Pipeline = .standard, services: PipelineServices,
                metrics: ServiceMetrics = ServiceMetrics()) {
        self.metrics = metrics
        self.store = store
        self.config = config
        self.pipeline = pipeline
        self.services = services
    }

    public func start() {
        for index in 0..<config.workers {
            finished.enter()
            let thread = Thread { [self] in
                work(as: "\(name)-\(index)")
                finished.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Stops taking work and waits up to `grace` for the jobs in flight; those still running
    /// then hand their leases back without counting the attempt, for another worker to run.
    public func stop(grace: Duration) async {
        stopping.store(true, ordering: .relaxed)
        let group = finished
        let inTime = await withCheckedContinuation { (done: CheckedContinuation<Bool, Never>) in
            Thread { done.resume(returning: group.wait(timeout: .now() + grace.seconds) == .success) }.start()
        }
        guard !inTime else { return }
        // From the store rather than `running`: a job claimed a moment ago may not be listed there yet.
        let held = (try? await store.jobs(in: .processing, limit: 10_000)) ?? []
        for job in held where job.leaseOwner?.hasPrefix(name + "-") == true {
            _ = try? await store.release(id: job.id, worker: job.leaseOwner ?? "", now: Date())
        }
    }

    /// Extends the leases of the jobs in flight; the service calls it every third of a lease.
    public func heartbeat() async {
        for (job, worker) in running.withLock({ $0 }) {
            _ = try? await store.heartbeat(id: job, worker: worker, lease: config.lease, now: Date())
        }
    }

    private func work(as worker: String) {
        while !stopping.load(ordering: .relaxed) {
            guard let job = try? blocking({ [store, config] in try await store.claim(worker: worker, lease: config.lease, now: Date()) })
            else {
                Thread.sleep(forTimeInterval: config.pollInterval.seconds)
                continue
            }
            running.withLock { $0[job.id] = worker }
            let outcome = run(job)
            running.withLock { $0[job.id] = nil }
            _ = try? blocking { [store] in
                switch outcome {
                case .success(let report):
                    _ = try await store.complete(id: job.id, worker: worker, result: report, now: Date())
                case .failure(let error):
                    let delay = Backoff().delay(after: job.attempts, retryAfter: nil, unit: .random(in: -1...1))
                    _ = try await store.fail(id: job.id, worker: worker, error: JobError(error),
                                             permanent: error.code.isPermanent, retryAfter: delay, now: Date())
                }
            }
        }
    }

    private func run(_ job: Job) -> Result<Data, LightboxError> {
        do {
            let payload = try JSONDecoder().decode(JobPayload.self, from: job.payload)
            let input = try Data(contentsOf: config.inputs.appendingPathComponent(payload.input))
            let options = try ProcessOptions.resolve(payload.options.map { (name: $0.name, value: $0.value) },
                                                     allowing: [.image])
            let outcome = pipeline.run(input, options: options, services: services)
            metrics.record(timings: outcome.timings, failure: outcome.error)
            if let error = outcome.error { return .failure(error) }
            let store = OutputStore()
            let outputs = try outcome.outputs.map { image in
                let file = try store.write(image, into: config.outputs)
                return JobReport.Output(format: image.format.rawValue, file: file.lastPathComponent, bytes: image.data.count,
                                        width: image.size.width, height: image.size.height)
            }
            let report = JobReport(
                outputs: outputs,
                timingsMs: Dictionary(outcome.timings.map { ($0.step, ($0.milliseconds * 10).rounded() / 10) },
                                      uniquingKeysWith: +),
                qa: outcome.qa, notes: outcome.notes, backend: outcome.backend)
            return .success(try JSONEncoder().encode(report))
        } catch let error as LightboxError {
            return .failure(error)
        } catch {
            return .failure(LightboxError(.internal, "\(error)"))
        }
    }
}

/// Waits on a thread of our own for async work (the store), which runs elsewhere.
func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let done = DispatchSemaphore(value: 0)
    let result = Mutex<Result<T, any Error>?>(nil)
    Task {
        let value: Result<T, any Error>
        do { value = .success(try await body()) } catch { value = .failure(error) }
        result.withLock { $0 = value }
        done.signal()
    }
    done.wait()
    return try result.withLock { $0! }.get()
}
