import Foundation
import LightboxCore
import LightboxIO

/// Splits what ArgumentParser did not recognise into input paths, pipeline options, engine
/// settings and generator settings, which are declared once in `ProcessOptions.catalog`,
/// `EngineSettings.catalog` and `GeneratorSettings.catalog`.
struct PipelineArguments {
    var paths: [String] = []
    var options = ProcessOptions()
    var engine = EngineSettings()
    var generator = GeneratorSettings()

    init(_ arguments: [String]) throws {
        let (paths, pairs) = try FlagPairs.split(arguments) { name in
            ProcessOptions.catalog.binding(named: name)?.isSwitch ?? EngineSettings.catalog.binding(named: name)?.isSwitch
                ?? GeneratorSettings.catalog.binding(named: name)?.isSwitch
        }
        self.paths = paths
        let isEngine = { (pair: (name: String, value: String)) in EngineSettings.catalog.binding(named: pair.name) != nil }
        let isGenerator = { (pair: (name: String, value: String)) in GeneratorSettings.catalog.binding(named: pair.name) != nil }
        engine = try EngineSettings.resolve(flags: pairs.filter(isEngine))
        options = engine.applied(to: try ProcessOptions.resolve(pairs.filter { !isEngine($0) && !isGenerator($0) }))
        generator = try GeneratorSettings.resolve(flags: pairs.filter(isGenerator))
    }

    /// The bytes of `--watermark-image`.
    static func watermark(at path: String) throws -> Data {
        guard let bytes = FileBytes.read(URL(fileURLWithPath: path)) else {
            throw LightboxError(.invalidOption, "Cannot read the watermark image \(path)")
        }
        return bytes
    }

    static var help: String {
        "Pipeline options (also accepted as --name=value):\n" + ProcessOptions.catalog.helpText
            + "\n\nEngine settings, once per process (also LIGHTBOX_<NAME> in the environment):\n"
            + EngineSettings.catalog.helpText
            + "\n\nGenerative backend, for background prompts (also LIGHTBOX_<NAME> in the environment; "
            + "the API key only from LIGHTBOX_GENERATOR_KEY or --generator-key-file):\n"
            + GeneratorSettings.catalog.helpText
    }
}

/// `--name value`, `--name=value` and bare switches, for options declared in a catalog;
/// everything else is a path.
enum FlagPairs {
    static let booleanWords: Set<String> = ["true", "false", "1", "0", "yes", "no", "on", "off"]

    /// `isSwitch` answers for a known option name, and nil for an unknown one.
    static func split(_ arguments: [String], isSwitch: (String) -> Bool?) throws
        -> (paths: [String], pairs: [(name: String, value: String)]) {
        var paths: [String] = []
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
            let name = String(body)
            guard let isSwitch = isSwitch(name) else {
                throw LightboxError(.invalidOption, "Unknown option '\(argument)'")
            }
            // A bare switch means true; `--straighten false` still reads its value.
            if isSwitch && (index == arguments.count || !booleanWords.contains(arguments[index].lowercased())) {
                pairs.append((name, "true"))
                continue
            }
            guard index < arguments.count else {
                throw LightboxError(.invalidOption, "Missing value for '\(argument)'")
            }
            pairs.append((name, arguments[index]))
            index += 1
        }
        return (paths, pairs)
    }
}
