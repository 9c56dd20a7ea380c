import Foundation
import LightboxCore
import LightboxIO

/// Splits what ArgumentParser did not recognise into input paths, pipeline options and
/// generator settings, which are declared once in `ProcessOptions.catalog` and
/// `GeneratorSettings.catalog`.
struct PipelineArguments {
    var paths: [String] = []
    var options = ProcessOptions()
    var generator = GeneratorSettings()

    init(_ arguments: [String]) throws {
        var pairs: [(name: String, value: String)] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--") else {
                paths.append(argument)
                continue
            }
            let body = argument.dropFirst(2)
            if let equals = body.firstIndex(of: "=") {
                pairs.append((String(body[..<equals]), String(body[body.index(after: equals)...])))
                continue
            }
            guard ProcessOptions.catalog.binding(named: String(body)) != nil
                || GeneratorSettings.catalog.binding(named: String(body)) != nil else {
                throw LightboxError(.invalidOption, "Unknown option '\(argument)'")
            }
            guard index < arguments.count else {
                throw LightboxError(.invalidOption, "Missing value for '\(argument)'")
            }
            pairs.append((String(body), arguments[index]))
            index += 1
        }
        let isGenerator = { (pair: (name: String, value: String)) in GeneratorSettings.catalog.binding(named: pair.name) != nil }
        options = try ProcessOptions.resolve(pairs.filter { !isGenerator($0) })
        generator = try GeneratorSettings.resolve(flags: pairs.filter(isGenerator))
    }

    static var help: String {
        "Pipeline options (also accepted as --name=value):\n" + ProcessOptions.catalog.helpText
            + "\n\nGenerative backend, for background prompts (also LIGHTBOX_<NAME> in the environment; "
            + "the API key only from LIGHTBOX_GENERATOR_KEY or --generator-key-file):\n"
            + GeneratorSettings.catalog.helpText
    }
}
