import ArgumentParser
import LightboxCore
import LightboxIO

struct OptionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "options",
        abstract: "List every pipeline option, or with --generator every generator setting, as a Markdown table "
            + "(the README's tables are this output)."
    )

    @Flag(help: "The generative backend's settings instead")
    var generator = false

    func run() {
        print(generator ? GeneratorSettings.catalog.markdownTable(heading: "generator setting")
                        : ProcessOptions.catalog.markdownTable())
    }
}
