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
        abstract: "Run the HTTP API and its workers on a job queue (SQLite, or PostgreSQL for several machines).",
        usage: "lightbox serve [--data DIR] [--database URL] [--blobs URL] [--role api|worker|all] [--config FILE.json] [settings]",
        discussion: "The queue is --database (a SQLite file, default DIR/lightbox.sqlite, or postgres://user@host:port/db); "
            + "inputs and outputs are in --blobs (a folder, default DIR, or s3://bucket/prefix?endpoint=http://host:port). "
            + "SIGTERM or Ctrl-C stops taking work, lets the jobs in flight finish and hands back the rest.\n\n"
            + ServiceArguments.help
    )

    @OptionGroup var arguments: ServiceArguments

    func execute() async throws {
        let (config, generator) = try arguments.resolve()
        let service = try await ServiceHost.open(config: config) { try Engine.services(config, generator) }
        let (address, workers, role) = (config.host, config.workers, config.role)
        let places = "queue \(service.store), blobs \(service.blobs)"
        if role == .worker { Engine.log("\(workers) worker(s); \(places)") }
        try await service.run { port in
            Engine.log("serving on http://\(address):\(port) with \(workers) worker(s); \(places)")
        }
    }
}

struct WorkerCommand: AsyncCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run workers only, on the queue that a `serve` takes requests for.",
        usage: "lightbox worker [--data DIR] [--database URL] [--blobs URL] [--config FILE.json] [settings]",
        discussion: "SIGTERM or Ctrl-C stops taking work, lets the jobs in flight finish and hands back the rest.\n\n"
            + ServiceArguments.help)

    @OptionGroup var arguments: ServiceArguments

    func execute() async throws {
        var (config, generator) = try arguments.resolve()
        config.role = .worker
        guard config.workers >= 1 else { throw ValidationError("--workers must be at least 1") }
        let service = try await ServiceHost.open(config: config) { try Engine.services(config, generator) }
        Engine.log("\(config.workers) worker(s); queue \(service.store), blobs \(service.blobs)")
        try await service.runWorkers()
    }
}

/// Where the queue and the blobs are: `--database` and `--blobs`, else under `--data DIR`.
struct StoreArguments: ParsableArguments {
    @Option(help: "Folder for the default queue (DIR/lightbox.sqlite), inputs and outputs, and the webhook secret's copy")
    var data: String?

    @Option(help: "The job queue: a SQLite file path or postgres://user[:password]@host:port/db")
    var database: String?

    var dataFolder: URL? { data.map { URL(fileURLWithPath: $0) } }

    /// The queue's location, or a usage error naming what is missing.
    func databaseLocation() throws -> String {
        if let database { return database }
        guard let dataFolder else { throw ValidationError("Give --data DIR or --database URL.") }
        return ServiceConfig(dataFolder: dataFolder).database
    }

    func openStore() async throws -> any JobStore {
        try await JobStores.open(databaseLocation())
    }
}

/// What `serve` and `worker` take: where the data is, a config file, and settings declared
/// once in `ServiceConfig.catalog`, `EngineSettings.catalog`, `GeneratorSettings.catalog` and
/// `FallbackRemoverSettings.catalog`.
struct ServiceArguments: ParsableArguments {
    @OptionGroup var stores: StoreArguments

    @Option(help: "Inputs and outputs: a folder, or s3://bucket/prefix?endpoint=http://host:port (keys from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or ?credentials=FILE)")
    var blobs: String?

    @Option(help: "A JSON object of settings, e.g. {\"workers\": 2}; the environment and flags override it")
    var config: String?

    @Argument(parsing: .allUnrecognized, help: "Settings, as --name value")
    var settings: [String] = []

    func resolve() throws -> (ServiceConfig, GeneratorSettings) {
        guard stores.data != nil || (stores.database != nil && blobs != nil) else {
            throw ValidationError("Give --data DIR, or both --database URL and --blobs URL.")
        }
        let (extra, pairs) = try FlagPairs.split(settings) {
            ServiceConfig.catalog.binding(named: $0)?.isSwitch ?? EngineSettings.catalog.binding(named: $0)?.isSwitch
                ?? GeneratorSettings.catalog.binding(named: $0)?.isSwitch
                ?? FallbackRemoverSettings.catalog.binding(named: $0)?.isSwitch
        }
        guard extra.isEmpty else { throw ValidationError("Unexpected argument '\(extra[0])'") }
        let isGenerator = { (pair: (name: String, value: String)) in GeneratorSettings.catalog.binding(named: pair.name) != nil }
        let isFallback = { (pair: (name: String, value: String)) in FallbackRemoverSettings.catalog.binding(named: pair.name) != nil }
        let base = ServiceConfig(dataFolder: stores.dataFolder, database: stores.database, blobs: blobs)
        var service = try ServiceConfig.resolve(base: base, file: config.map { URL(fileURLWithPath: $0) },
                                                flags: pairs.filter { !isGenerator($0) && !isFallback($0) })
        service.fallbackRemover = try FallbackRemoverSettings.resolve(flags: pairs.filter(isFallback))
        return (service, try GeneratorSettings.resolve(flags: pairs.filter(isGenerator)))
    }

    static var help: String {
        "Settings (also LIGHTBOX_<NAME> in the environment, or a key of the config file):\n"
            + ServiceConfig.catalog.helpText
            + "\n\nEngine settings:\n" + EngineSettings.catalog.helpText
            + "\n\nThe scene generator, for background prompts (see `lightbox process --help`):\n"
            + GeneratorSettings.catalog.helpText
            + "\n\nThe fallback remover, for photos our QA fails or scores low (off unless set):\n"
            + FallbackRemoverSettings.catalog.helpText
    }
}

struct MigrateCommand: AsyncCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Bring the queue's schema up to date (every process also does this at start).")

    @OptionGroup var stores: StoreArguments

    func execute() async throws {
        let location = try stores.databaseLocation()
        if let url = try? PostgresURL(location) {
            let store = try await PostgresJobStore.open(url, migrating: false)
            let applied = try await store.migrate()
            print(applied.isEmpty ? "schema up to date" : "applied \(applied.map { "v\($0)" }.joined(separator: ", "))")
            store.close()
        } else {
            _ = try await JobStores.open(location)  // SQLite migrates as it opens
            print("schema up to date")
        }
    }
}

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage API keys.", subcommands: [Create.self])

    struct Create: AsyncCommand {
        static let configuration = CommandConfiguration(
            commandName: "create", abstract: "Create an account with credits and print its new API key (shown once).")

        @OptionGroup var stores: StoreArguments

        @Option(help: "Credits to start with: one per image")
        var credits: Int

        func execute() async throws {
            guard credits >= 0 else { throw ValidationError("--credits must be 0 or more") }
            let store = try await stores.openStore()
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
        @OptionGroup var stores: StoreArguments
        @Option(help: "At most this many, newest first") var limit = 100

        func execute() async throws {
            for job in try await stores.openStore().jobs(in: .dead, limit: limit) {
                print("\(job.id)\t\(job.account)\t\(job.attempts)\t\(job.error?.code ?? "-")\t\(job.error?.message ?? "")")
            }
        }
    }

    struct Retry: AsyncCommand {
        static let configuration = CommandConfiguration(abstract: "Queue a dead job again with fresh attempts.")
        @OptionGroup var stores: StoreArguments
        @Argument(help: "The generation id") var id: String

        func execute() async throws {
            guard try await stores.openStore().retryDead(id: id, now: Date()) else {
                throw LightboxError(.notFound, "\(id) is not a dead job")
            }
            print("queued \(id)")
        }
    }

    struct Purge: AsyncCommand {
        static let configuration = CommandConfiguration(abstract: "Delete every dead job.")
        @OptionGroup var stores: StoreArguments

        func execute() async throws {
            print("purged \(try await stores.openStore().purgeDead()) dead job(s)")
        }
    }
}
