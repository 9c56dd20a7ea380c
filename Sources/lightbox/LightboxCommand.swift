import ArgumentParser

struct LightboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lightbox",
        abstract: "Turns product photos into studio shots.",
        subcommands: [ProcessCommand.self, BatchCommand.self, BenchCommand.self, PresetsCommand.self, OptionsCommand.self,
                      ServeCommand.self, WorkerCommand.self, ReviewCommand.self, MigrateCommand.self, KeysCommand.self, DeadLettersCommand.self]
    )
}
