import Foundation
import LightboxTestSupport
import Testing

@testable import LightboxCore

@Suite struct EngineSettingsTests {
    @Test func theFileThenTheEnvironmentThenFlagsDecide() throws {
        let engine = try EngineSettings.resolve(file: [("model", "from-file.onnx"), ("threads", "3")],
                                                flags: [("workers", "2")],
                                                environment: ["LIGHTBOX_THREADS": "2", "LIGHTBOX_MAX_MEGAPIXELS": "20"])
        #expect(engine.model == "from-file.onnx" && engine.threads == 2 && engine.workers == 2)
        #expect(engine.limits.maxPixels == 20_000_000 && engine.limits.maxInputBytes == 50_000_000)
    }

    @Test func badValuesNameTheSetting() {
        #expect(throws: LightboxError.invalidOption("model-output", expected: "one of min-max, sigmoid, none",
                                                    received: "logits")) {
            try EngineSettings.resolve(flags: [("model-output", "logits")], environment: [:])
        }
        #expect(throws: LightboxError.self) { try EngineSettings.resolve(flags: [("margin", "3")], environment: [:]) }
    }

    @Test func onlyWhatChangesPixelsIsInTheRenderingText() throws {
        let one = try EngineSettings.resolve(flags: [("threads", "4"), ("workers", "1")], environment: [:])
        let other = try EngineSettings.resolve(flags: [("model", "other.onnx")], environment: [:])
        #expect(one.renderingText == EngineSettings().renderingText)
        #expect(other.renderingText != EngineSettings().renderingText)
    }

    @Test func decodeLimitsReachTheOptions() throws {
        let engine = try EngineSettings.resolve(flags: [("max-input-mb", "3")], environment: [:])
        #expect(engine.applied(to: ProcessOptions()).limits.maxInputBytes == 3_000_000)
    }

    @Test func readmeDocumentsEverySettingAsDeclared() throws {
        let readme = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains(EngineSettings.catalog.markdownTable(heading: "engine setting")),
                "regenerate with scripts/update-readme-options.sh")
    }
}
