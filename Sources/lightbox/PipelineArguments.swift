import Foundation
import LightboxCore

/// Splits what ArgumentParser did not recognise into input paths and pipeline options,
/// which are declared once in `ProcessOptions.catalog`.
struct PipelineArguments {
    var paths: [String] = []
    var options = ProcessOptions()

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
            guard ProcessOptions.catalog.binding(named: String(body)) != nil else {
                throw LightboxError(.invalidOption, "Unknown option '\(argument)'")
            }
            guard index < arguments.count else {
                throw LightboxError(.invalidOption, "Missing value for '\(argument)'")
            }
            pairs.append((String(body), arguments[index]))
            index += 1
        }
        options = try ProcessOptions.resolve(pairs)
    }

    static var help: String {
        "Pipeline options (also accepted as --name=value):\n" + ProcessOptions.catalog.helpText
    }
}
