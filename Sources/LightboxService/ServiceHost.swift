import Foundation
import Hummingbird
import LightboxCore
import LightboxJobs
import Logging

/// `lightbox serve`: the API, the workers and the queue's upkeep in one process, on one
/// SQLite file under the data folder.
public final class ServiceHost: Sendable {
    public let config: ServiceConfig
    public let store: any JobStore
    let runner: JobRunner

    public init(config: ServiceConfig, services: PipelineServices) throws {
        self.config = config
        store = try SQLiteJobStore(path: config.database)
        runner = JobRunner(store: store, config: config, services: services)
    }

    /// Serves until cancelled or sent SIGTERM/SIGINT, then stops taking work and lets the
    /// jobs in flight finish. `onRunning` gets the bound port (useful with port 0).
    public func run(host: String = "127.0.0.1", port: Int, logger: Logger? = nil,
                    onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        runner.start()
        let upkeep = Task { [store, runner, config] in
            var beat = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                _ = try? await store.rescueExpired(now: Date())
                beat += 1
                if beat % max(1, Int(config.lease.seconds / 3)) == 0 { await runner.heartbeat() }
            }
        }
        let application = Application(
            router: ServiceAPI(store: store, config: config).router(),
            configuration: .init(address: .hostname(host, port: port), serverName: "lightbox"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) }, logger: logger)
        do {
            try await application.runService()
        } catch {
            upkeep.cancel()
            await stopWorkers()
            throw error
        }
        upkeep.cancel()
        await stopWorkers()
    }

    private func stopWorkers() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread { [runner] in
                runner.stop()
                done.resume()
            }.start()
        }
    }
}
