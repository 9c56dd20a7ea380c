import Foundation
import LightboxIO

/// Runs the built `lightbox` binary, as a user's script would.
public enum LightboxBinary {
    public struct Result: Sendable {
        public let status: Int32
        public let standardOutput: String
        public let standardError: String

        /// The `--json` lines, decoded.
        public var jsonLines: [[String: Any]] {
            standardOutput.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }
    }

    /// Next to the test bundle, in the same build folder.
    public static var url: URL {
        let buildFolder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let beside = buildFolder.appendingPathComponent("lightbox")
        if FileManager.default.fileExists(atPath: beside.path) { return beside }
        return Fixtures.repositoryRoot.appendingPathComponent(".build/debug/lightbox")
    }

    public static func run(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Result {
        var environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        environment["LIGHTBOX_MODELS_DIR"] = Fixtures.models.path
        let result = try ChildProcess.run(url.path, arguments, environment: environment)
        return Result(status: result.status, standardOutput: result.standardOutput, standardError: result.standardError)
    }
}
