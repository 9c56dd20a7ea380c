import Dispatch
import Foundation
import Hummingbird
import LightboxCore
import LightboxIO
import LightboxJobs
import Logging

/// `lightbox serve` and `lightbox worker`: the API and/or the workers, with the queue's
/// upkeep (lease heartbeats, rescue of expired leases), on one SQLite file under the data folder.
public final class ServiceHost: Sendable {
    public let config: ServiceConfig
    public let store: any JobStore
    let runner: JobRunner
    let metrics = ServiceMetrics()
    let services: PipelineServices
    let webhooks: WebhookSender
    let links: OutputLinks

    public init(config: ServiceConfig, services: PipelineServices) throws {
        self.config = config
        self.services = services
        OutputStore.removeUnfinishedWrites(in: [config.inputs, config.outputs], olderThan: 600)
        store = try SQLiteJobStore(path: config.database)
        runner = JobRunner(store: store, config: config, services: services, metrics: metrics)
        let secret = try WebhookSender.secret(in: config.dataFolder)
        links = OutputLinks(secret: secret, lifetime: config.privateOutputs ? Double(config.signedLinkSeconds) : nil)
        webhooks = WebhookSender(store: store, secret: secret, allowPrivate: config.allowPrivateURLs, metrics: metrics,
                                 links: links)
    }

    /// Serves until cancelled or sent SIGTERM/SIGINT, then stops taking work, lets the jobs in
    /// flight finish within the grace period and hands back the leases of the rest.
    /// `onRunning` gets the bound port (useful with port 0).
    public func run(host: String = "127.0.0.1", port: Int, logger: Logger? = nil,
                    onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let application = Application(
            router: ServiceAPI(store: store, config: config, links: links, metrics: metrics,
                               generator: services.generator as? GenerativeScenes).router(),
            configuration: .init(address: .hostname(host, port: port), serverName: "lightbox"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) }, logger: logger)
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
        let upkeep = Task { [store, runner, config, webhooks] in
            var ticks = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: config.upkeepInterval)
                ticks += 1
                _ = try? await store.rescueExpired(now: Date())
                if Double(ticks) * config.upkeepInterval.seconds >= config.lease.seconds / 3 {
                    ticks = 0
                    await runner.heartbeat()
                }
                await webhooks.deliverDue()
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
