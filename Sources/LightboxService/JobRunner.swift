import Foundation
import LightboxCore
import LightboxIO
import LightboxJobs
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// In-process workers: each a thread that claims a job, runs the pipeline on its stored
/// input, writes the outputs to the blob store (content-named, so a re-run writes nothing
/// new) and completes or fails it. The pipeline is CPU-bound and synchronous, so it runs on
/// threads of its own, at a lower priority than the threads that serve HTTP, so the API
/// answers at once while workers fill the cores. Idle workers sleep until the store says
/// work may be waiting. Leases are kept alive by a heartbeat while a job runs.
public final class JobRunner: Sendable {
    let store: any JobStore
    let blobs: any BlobStore
    let config: ServiceConfig
    let renderer: Renderer
    let metrics: ServiceMetrics
    let clock: ServiceClock
    /// A second opinion for hard photos, when configured.
    let fallback: FallbackRemover?
    let name = "worker-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(6))"
    private let stopping = Atomic<Bool>(false)
    /// Job id → the worker holding its lease.
    private let running = Mutex<[String: String]>([:])
    private let finished = DispatchGroup()
    static let logger = Logger(label: "lightbox.worker")

    public init(store: any JobStore, blobs: any BlobStore, config: ServiceConfig, pipeline: Pipeline = .standard,
                services: PipelineServices, metrics: ServiceMetrics = ServiceMetrics(), clock: ServiceClock = .system) {
        self.metrics = metrics
        self.store = store
        self.blobs = blobs
        self.config = config
        self.clock = clock
        fallback = FallbackRemover(settings: config.fallbackRemover)
        // A person's fixes, kept beside the inputs, apply to every render of the same photo.
        renderer = Renderer(pipeline: pipeline, services: services, hints: Renderer.hints(in: blobs))
    }

    public func start() {
        guard config.workers > 0 else { return }
        store.startWakeups()
        for index in 0..<config.workers {
            finished.enter()
            let thread = Thread { [self] in
                Self.lowerPriority(by: config.workerNice)
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
        store.workSignal.notify()
        let group = finished
        let inTime = await withCheckedContinuation { (done: CheckedContinuation<Bool, Never>) in
            Thread { done.resume(returning: group.wait(timeout: .now() + grace.seconds) == .success) }.start()
        }
        guard !inTime else { return }
        // From the store rather than `running`: a job claimed a moment ago may not be listed there yet.
        let held = (try? await store.jobs(in: .processing, limit: 10_000)) ?? []
        for job in held where job.leaseOwner?.hasPrefix(name + "-") == true {
            _ = try? await store.release(id: job.id, worker: job.leaseOwner ?? "", now: clock.now())
        }
    }

    /// Extends the leases of the jobs in flight; the service calls it every third of a lease.
    public func heartbeat() async {
        for (job, worker) in running.withLock({ $0 }) {
            _ = try? await store.heartbeat(id: job, worker: worker, lease: config.lease, now: clock.now())
        }
    }

    private func work(as worker: String) {
        let signal = store.workSignal
        while !stopping.load(ordering: .relaxed) {
            let seen = signal.current
            guard let job = try? blocking({ [store, config, clock] in
                try await store.claim(worker: worker, lease: config.lease, now: clock.now())
            }) else {
                signal.wait(after: seen)
                continue
            }
            running.withLock { $0[job.id] = worker }
            let (outcome, review) = run(job)
            running.withLock { $0[job.id] = nil }
            _ = try? blocking { [store, clock] in
                // Before the job ends, so that its webhook waits for the decision.
                if let review { _ = try await store.flagForReview(id: job.id, reason: review, now: clock.now()) }
                switch outcome {
                case .success(let report):
                    _ = try await store.complete(id: job.id, worker: worker, result: report, now: clock.now())
                case .failure(let error):
                    // The job shows the public message; the cause is logged under the job's id.
                    if error.httpStatus >= 500 { Self.logger.error("\(job.id) attempt \(job.attempts): \(error)") }
                    let delay = Backoff().delay(after: job.attempts, retryAfter: nil, unit: .random(in: -1...1))
                    _ = try await store.fail(id: job.id, worker: worker, error: JobError(error),
                                             permanent: error.code.isPermanent, retryAfter: delay, now: clock.now())
                }
            }
        }
    }

    /// Why a person should look at this result, when the service asks for reviews.
    private func reviewReason(_ rendering: Renderer.Rendering) -> String? {
        ReviewPolicy(enabled: config.review, below: config.reviewBelow).reason(failure: rendering.error, qa: rendering.outcome?.qa)
    }

    /// A QA failure or a score under `review-below` is worth the fallback remover's try.
    private func wantsSecondOpinion(_ rendering: Renderer.Rendering) -> Bool {
        if let error = rendering.error { return error.code == .qaFailed }
        return (rendering.outcome?.qa?.score ?? 1) < config.reviewBelow
    }

    /// The job's report, or why it failed, and why it waits for a person if it does. Outputs
    /// are written once the render that stands is known.
    private func run(_ job: Job) -> (Result<Data, LightboxError>, review: String?) {
        do {
            let payload = try JSONDecoder().decode(JobPayload.self, from: job.payload)
            var options = config.engine.applied(to: try ProcessOptions.resolve(payload.options.map { (name: $0.name, value: $0.value) }))
            options.backgroundImage = try payload.backgroundImage.map(readInput)
            let photo = try readInput(payload.input), hintKey = BlobKeys.digest(ofInput: payload.input)
            if payload.sheet == true { return (.success(try presetSheet(of: photo, options: options)), nil) }
            if let angle = payload.angle { return drawAngle(angle, options: options) }
            // A photo to be sent out for its angles is first looked at for a third-party watermark.
            if payload.angles != nil, options.textOverlay == .ignore { options.textOverlay = .flag }
            let render = { (options: ProcessOptions) in
                self.renderer.render(read: { photo }, options: options, hintKey: hintKey, write: { $0.fileName })
            }
            var rendering = render(options), review = reviewReason(rendering)
            var notes: [String] = []
            if let fallback, wantsSecondOpinion(rendering) {
                do {
                    options.suppliedMatte = try fallback.cutout(of: photo, limits: config.limits)
                    let second = render(options)
                    if let error = second.error, error.code == .removerUnavailable { throw error }
                    (rendering, review) = (second, "fallback_remover")
                } catch {
                    // Ours stands, and the report says why there is no second opinion.
                    notes.append("fallback remover not used: \(Renderer.failure(error, as: .removerUnavailable).message)")
                }
            }
            if let outcome = rendering.outcome { metrics.record(timings: outcome.timings, failure: rendering.error) }
            if let error = rendering.error { return (.failure(error), review) }
            let outcome = rendering.outcome!
            let written: [Renderer.Written]
            do {
                written = try Renderer.write(outcome.outputs, through: writeOutput)
            } catch {
                return (.failure(Renderer.failure(error, as: .outputFailed)), review)
            }
            let angles = payload.angles.map { queueAngles(for: job, payload, asked: $0, outcome: outcome, shot: written.first) }
            if let declined = angles?.declined { notes.append("angles not drawn: \(declined)") }
            if let queued = angles?.queued, !queued.isEmpty {
                notes.append("queued \(queued.count) angle(s) for review: \(queued.joined(separator: ", "))")
            }
            let report = JobReport(
                outputs: written.map(JobReport.Output.init), timingsMs: outcome.timingsInMilliseconds,
                qa: outcome.qa, notes: outcome.notes + notes, backend: outcome.backend, foreground: outcome.productFrame,
                angles: angles)
            return (.success(try JSONEncoder().encode(report)), review)
        } catch {
            return (.failure(Renderer.failure(error, as: .internal)), nil)
        }
    }

    /// The photo over every preset × shadow, as one PNG output; tiles of `options.canvas`.
    private func presetSheet(of photo: Data, options: ProcessOptions) throws -> Data {
        var layout = PresetSheet()
        layout.tile = options.canvas
        layout.seed = options.seed
        let grid = try layout.render(photo: photo, services: renderer.services)
        let image = EncodedImage(format: .png, data: try grid.encoded(as: .png), size: grid.size)
        let file = try writeOutput(image)
        let report = JobReport(
            outputs: [JobReport.Output(format: "png", file: file, bytes: image.data.count, width: image.size.width,
                                       height: image.size.height)],
            timingsMs: [:], qa: nil,
            notes: ["preset sheet: \(layout.presets.count) presets (rows) × \(layout.shadows.count) shadows (columns)"],
            backend: nil)
        return try JSONEncoder().encode(report)
    }

    private func readInput(_ name: String) throws -> Data {
        guard let data = try blocking({ [blobs] in try await blobs.get(BlobKeys.input(name)) }) else {
            throw LightboxError(.inputUnreadable, "The stored input \(name) is missing", detail: "\(blobs)")
        }
        return data
    }

    /// Content-named: an output already stored holds the same bytes.
    private func writeOutput(_ image: EncodedImage) throws -> String {
        let key = BlobKeys.output(image.fileName)
        try blocking { [blobs] in
            if try await !blobs.exists(key) {
                try await blobs.put(image.data, at: key, contentType: "image/\(image.format.rawValue)")
            }
        }
        return image.fileName
    }

    /// Worker threads yield the cores to the API's (Linux nice values are per thread).
    static func lowerPriority(by nice: Int) {
        #if os(Linux)
        guard nice > 0 else { return }
        // On Linux, 0 names the calling thread, not the whole process.
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, Int32(nice))
        #endif
    }
}
