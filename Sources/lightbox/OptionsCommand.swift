import ArgumentParser
import LightboxCore
import LightboxIO
import LightboxService

struct OptionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "options",
        abstract: "List every pipeline option, or with --engine, --generator or --service those settings, as a Markdown table "
            + "(the README's tables are this output)."
    )

    @Flag(help: "The generative backend's settings instead")
    var generator = false

    @Flag(help: "The fallback remover's settings (serve, worker) instead")
    var fallbackRemover = false

    @Flag(help: "The service's settings (serve, worker) instead")
    var service = false

    @Flag(help: "The engine's settings (model, workers, decode limits), read by every command, instead")
    var engine = false

    func run() {
        if generator {
            print(GeneratorSettings.catalog.markdownTable(heading: "generator setting"))
        } else if fallbackRemover {
            print(FallbackRemoverSettings.catalog.markdownTable(heading: "fallback remover setting"))
        } else if engine {
            print(EngineSettings.catalog.markdownTable(heading: "engine setting"))
        } else if service {
            print(ServiceConfig.catalog.markdownTable(heading: "service setting"))
        } else {
            print(ProcessOptions.catalog.markdownTable())
        }
    }
}
