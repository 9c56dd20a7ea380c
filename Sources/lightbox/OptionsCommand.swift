import ArgumentParser
import LightboxCore

struct OptionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "options",
        abstract: "List every pipeline option as a Markdown table (the README's table is this output)."
    )

    func run() {
        print(ProcessOptions.catalog.markdownTable)
    }
}
