import ArgumentParser
import Foundation
import LightboxCore
import LightboxIO
import LightboxJobs
import LightboxService

/// A command whose work is asynchronous (a server, the store); `main` awaits `execute`.
protocol AsyncCommand: ParsableCommand {
    func execute() async throws
}

struct ServeCommand: AsyncCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP API and its workers on an embedded SQLite job queue.",
        discussion: "Results are written under DIR/outputs, inputs under DIR/inputs, the queue in DIR/lightbox.sqlite. "
            + "SIGTERM or Ctrl-C stops taking work and lets the jobs in flight finish."
    )

    @Option(help: "Port to listen on")
    var port = 8080

    @Option(help: "Address to listen on")
    var host = "127.0.0.1"

    @Option(help: "Folder for the queue, inputs and outputs")
    var data: String

    @Option(help: "In-process workers, each with its own single-threaded inference session (0: API only)")
    var workers = WorkerPool.coreCount

    @Option(help: "Largest upload in MB")
    var maxUploadMb = 25

    func execute() async throws {
        var config = ServiceConfig(dataFolder: URL(fileURLWithPath: data))
        config.workers = workers
        config.maxUploadBytes = maxUploadMb * 1_000_000
        let processor = try Engine.fileProcessor(for: ProcessOptions(), workers: max(1, workers))
        let service = try ServiceHost(config: config, services: processor.services)
        let (address, folder) = (host, config.dataFolder.path)
        try await service.run(host: address, port: port) { port in
            Engine.log("serving on http://\(address):\(port) with \(workers) worker(s), data in \(folder)")
        }
    }
}

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage API keys.", subcommands: [Create.self])

    struct Create: AsyncCommand {
        static let configuration = CommandConfiguration(
            commandName: "create", abstract: "Create an account with credits and print its new API key (shown once).")

        @Option(help: "The service's data folder")
        var data: String

        @Option(help: "Credits to start with: one per image")
        var credits: Int

        func execute() async throws {
            guard credits >= 0 else { throw ValidationError("--credits must be 0 or more") }
            let store = try SQLiteJobStore(path: ServiceConfig(dataFolder: URL(fileURLWithPath: data)).database)
            let issued = APIKeys.issue()
            try await store.createAccount(id: issued.account, keyHash: issued.hash, credits: credits)
            print(issued.key)
        }
    }
}
