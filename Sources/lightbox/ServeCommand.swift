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
        usage: "lightbox serve --data DIR [--config FILE.json] [settings]",
        discussion: "Results are written under DIR/outputs, inputs under DIR/inputs, the queue in DIR/lightbox.sqlite. "
            + "SIGTERM or Ctrl-C stops taking work, lets the jobs in flight finish and hands back the rest.\n\n"
            + ServiceArguments.help
    )

    @OptionGroup var arguments: ServiceArguments

    func execute() async throws {
        let (config, generator) = try arguments.resolve()
        let processor = try Engine.fileProcessor(for: ProcessOptions(), workers: max(1, config.workers), generator: generator)
        let service = try ServiceHost(config: config, services: processor.services)
        let (address, folder, workers) = (config.host, config.dataFolder.path, config.workers)
        try await service.run(host: address, port: config.port) { port in
            Engine.log("serving on http://\(address):\(port) with \(workers) worker(s), data in \(folder)")
        }
    }
}

struct WorkerCommand: AsyncCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run workers only, on the queue in DIR (beside a `serve` that takes the requests).",
        usage: "lightbox worker --data DIR [--config FILE.json] [settings]",
        discussion: "SIGTERM or Ctrl-C stops taking work, lets the jobs in flight finish and hands back the rest.\n\n"
            + ServiceArguments.help)

    @OptionGroup var arguments: ServiceArguments

    func execute() async throws {
        let (config, generator) = try arguments.resolve()
        guard config.workers >= 1 else { throw ValidationError("--workers must be at least 1") }
        let processor = try Engine.fileProcessor(for: ProcessOptions(), workers: config.workers, generator: generator)
        Engine.log("\(config.workers) worker(s) on \(config.database.path)")
        try await ServiceHost(config: config, services: processor.services).runWorkers()
    }
}

/// What `serve` and `worker` take: the data folder, a config file, and settings declared once
/// in `ServiceConfig.catalog` and `GeneratorSettings.catalog`.
struct ServiceArguments: ParsableArguments {
    @Option(help: "Folder for the queue, inputs and outputs")
    var data: String

    @Option(help: "A JSON object of settings, e.g. {\"workers\": 2}; the environment and flags override it")
    var config: String?

    @Argument(parsing: .allUnrecognized, help: "Settings, as --name value")
    var settings: [String] = []

    func resolve() throws -> (ServiceConfig, GeneratorSettings) {
        let (extra, pairs) = try FlagPairs.split(settings) {
            ServiceConfig.catalog.binding(named: $0)?.isSwitch ?? GeneratorSettings.catalog.binding(named: $0)?.isSwitch
        }
        guard extra.isEmpty else { throw ValidationError("Unexpected argument '\(extra[0])'") }
        let isGenerator = { (pair: (name: String, value: String)) in GeneratorSettings.catalog.binding(named: pair.name) != nil }
        let service = try ServiceConfig.resolve(dataFolder: URL(fileURLWithPath: data), file: config.map { URL(fileURLWithPath: $0) },
                                                flags: pairs.filter { !isGenerator($0) })
        return (service, try GeneratorSettings.resolve(flags: pairs.filter(isGenerator)))
    }

    static var help: String {
        "Settings (also LIGHTBOX_<NAME> in the environment, or a key of the config file):\n"
            + ServiceConfig.catalog.helpText
            + "\n\nThe scene generator, for background prompts (see `lightbox process --help`):\n"
            + GeneratorSettings.catalog.helpText
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
            let store = try DeadLettersCommand.store(data)
            let issued = APIKeys.issue()
            try await store.createAccount(id: issued.account, keyHash: issued.hash, credits: credits)
            print(issued.key)
        }
    }
}

struct DeadLettersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq", abstract: "Jobs that failed their last attempt: list, retry or purge them.",
        subcommands: [List.self, Retry.self, Purge.self])

    struct List: AsyncCommand {
        static let configuration = CommandConfiguration(abstract: "One line per dead job: id, account, attempts, last error.")
        @Option(help: "The service's data folder") var data: String
        @Option(help: "At most this many, newest first") var limit = 100

        func execute() async throws {
            for job in try await DeadLettersCommand.store(data).jobs(in: .dead, limit: limit) {
                print("\(job.id)\t\(job.account)\t\(job.attempts)\t\(job.error?.code ?? "-")\t\(job.error?.message ?? "")")
            }
        }
    }

    struct Retry: AsyncCommand {
        static let configuration = CommandConfiguration(abstract: "Queue a dead job again with fresh attempts.")
        @Option(help: "The service's data folder") var data: String
        @Argument(help: "The generation id") var id: String

        func execute() async throws {
            guard try await DeadLettersCommand.store(data).retryDead(id: id, now: Date()) else {
                throw LightboxError(.notFound, "\(id) is not a dead job")
            }
            print("queued \(id)")
        }
    }

    struct Purge: AsyncCommand {
        static let configuration = CommandConfiguration(abstract: "Delete every dead job.")
        @Option(help: "The service's data folder") var data: String

        func execute() async throws {
            print("purged \(try await DeadLettersCommand.store(data).purgeDead()) dead job(s)")
        }
    }

    static func store(_ data: String) throws -> SQLiteJobStore {
        try SQLiteJobStore(path: ServiceConfig(dataFolder: URL(fileURLWithPath: data)).database)
    }
}
