import Dispatch
import Foundation
import Hummingbird
import LightboxCore
import LightboxIO
import LightboxJobs
import Logging

/// `lightbox serve` and `lightbox worker`: the API and/or the workers, with the queue's
/// upkeep (lease heartbeats, rescue of expired leases, due webhooks), on any job store
/// (SQLite, PostgreSQL) and blob store (a folder, an S3 bucket). Processes on one store
/// and one bucket work together: any API process answers for any job.
public final class ServiceHost: Sendable {
    public let config: ServiceConfig
    public let store: any JobStore
    public let blobs: any BlobStore
    let clock: ServiceClock
    let runner: JobRunner
    let metrics = ServiceMetrics()
    let services: PipelineServices
    let webhooks: WebhookSender

    public init(config: ServiceConfig, store: any JobStore, blobs: any BlobStore, services: PipelineServices,
                clock: ServiceClock = .system) async throws {
        self.config = config
        self.store = store
        self.blobs = blobs
        var services = services
        // The review page previews a fix from the mask its job's render left here.
        if services.masks == nil { services.masks = MaskCache() }
        self.services = services
        self.clock = clock
        if let folder = blobs as? FolderBlobStore {
            OutputStore.removeUnfinishedWrites(in: [folder.url("inputs"), folder.url("outputs")], olderThan: 600)
        }
        runner = JobRunner(store: store, blobs: blobs, config: config, services: services, metrics: metrics, clock: clock)
        let secret = try await WebhookSender.secret(store: store, folder: config.dataFolder)
        let links = OutputLinks(secret: secret, mode: try OutputLinks.mode(for: config, blobs: blobs), clock: clock)
        webhooks = WebhookSender(store: store, secret: secret, allowPrivate: config.allowPrivateURLs, metrics: metrics,
                                 links: links)
    }

    /// Opens the stores `config` names (`--database`, `--blobs`, else under `--data`), then
    /// loads the engine: a wrong URL fails at once, before the model is read.
    public static func open(config: ServiceConfig, services: () throws -> PipelineServices) async throws -> ServiceHost {
        let store = try await JobStores.open(config.database)
        let blobs = try await BlobStores.open(config.blobs)
        return try await ServiceHost(config: config, store: store, blobs: blobs, services: try services())
    }

    /// Serves until cancelled or sent SIGTERM/SIGINT, then stops taking work, lets the jobs in
    /// flight finish within the grace period and hands back the leases of the rest.
    /// `onRunning` gets the bound port (useful with port 0). The worker role serves nothing.
    public func run(logger: Logger? = nil, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        guard config.role != .worker else { return try await runWorkers() }
        let application = try await buildApplication(
            config: config, store: store, blobs: blobs, clock: clock, metrics: metrics,
            generator: services.generator as? GenerativeScenes, renderer: runner.renderer, logger: logger, onRunning: onRunning)
        try await withWorkers { try await application.runService() }
    }

    /// Workers only, until SIGTERM or SIGINT.
    public func runWorkers() async throws {
        try await withWorkers {
            let signals = [SIGTERM, SIGINT].map { number in
                signal(number, SIG_IGN)
                return DispatchSource.makeSignalSource(signal: number)
            }
            await withCheckedContinuation { (stopped: CheckedContinuation<Void, Never>) in
                let once = OnceFlag()
                for source in signals {
                    source.setEventHandler { if once.claim() { stopped.resume() } }
                    source.resume()
                }
            }
            signals.forEach { $0.cancel() }
        }
    }

    private func withWorkers(_ body: () async throws -> Void) async throws {
        runner.start()
        let upkeep = Task { [store, runner, config, webhooks, clock] in
            var ticks = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: config.upkeepInterval)
                ticks += 1
                _ = try? await store.rescueExpired(now: clock.now())
                if Double(ticks) * config.upkeepInterval.seconds >= config.lease.seconds / 3 {
                    ticks = 0
                    await runner.heartbeat()
                }
                await webhooks.deliverDue(now: clock.now())
            }
        }
        defer { upkeep.cancel() }
        // Shutdown talks to the store, so it must not run in a task that is already cancelled.
        let stopWorkers = { [runner, config] in await Task { await runner.stop(grace: config.shutdownGrace) }.value }
        do {
            try await body()
        } catch {
            await stopWorkers()
            throw error
        }
        await stopWorkers()
    }
}

/// True for the first caller only.
private final class OnceFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var claimed = false

    func claim() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if claimed { return false }
        claimed = true
        return true
    }
}
