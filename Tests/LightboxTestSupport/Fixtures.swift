import Foundation
import LightboxCore
import LightboxIO

/// Paths of the repository, its fixtures and its installed model.
public enum Fixtures {
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    public static let folder = repositoryRoot.appendingPathComponent("Tests/Fixtures")
    public static let examples = repositoryRoot.appendingPathComponent("examples")
    public static let models = repositoryRoot.appendingPathComponent("models")

    public static func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

    public static func data(_ name: String) throws -> Data { try Data(contentsOf: url(name)) }

    /// A fixture's ground-truth alpha as 8-bit grey.
    public static func alpha(_ name: String) throws -> VipsImage {
        try VipsImage.decode(data(name + "-alpha.png")).bands(0)
    }

    /// A fresh empty folder under the system's temporary folder.
    public static func scratchFolder(_ label: String = "lightbox-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// The real model, loaded once per test process.
public enum TestEngine {
    public static let services: PipelineServices = {
        do {
            let segmenter = try ModelStore(directory: Fixtures.models).segmenter(for: EngineSettings())
            return PipelineServices(segmenter: segmenter)
        } catch {
            fatalError("The model is not installed: run scripts/setup.sh (\(error))")
        }
    }()

    /// Runs the standard pipeline on a fixture (or any bytes) with raw option pairs.
    public static func run(_ input: Data, _ options: [(String, String)] = [],
                           configure: (inout ProcessOptions) -> Void = { _ in }) throws -> PipelineOutcome {
        var resolved = try ProcessOptions.resolve(options.map { (name: $0.0, value: $0.1) })
        configure(&resolved)
        return Pipeline.standard.run(input, options: resolved, services: services)
    }

    /// Runs the standard pipeline's steps up to and including `lastStep`.
    public static func context(through lastStep: String, input: Data,
                               configure: (inout ProcessOptions) -> Void = { _ in }) throws -> PipelineContext {
        var options = ProcessOptions()
        configure(&options)
        var context = PipelineContext(input: input, options: options, services: services)
        for step in Pipeline.standard.steps where step.isEnabled(for: options) {
            try step.run(&context)
            if step.name == lastStep { break }
        }
        return context
    }
}
