import Foundation
import LightboxFuzzing
import LightboxTestSupport
import Testing

/// Each libFuzzer harness over its committed corpus: the seeds from our fixtures reach the
/// parser's far end (they are accepted), and every input the campaigns found stays fixed
/// (fuzz/regressions/<harness>/<name>.<expected outcome>). The long campaigns are
/// fuzz/run.sh; a crash here stops the whole test process, which fails the suite.
@Suite struct FuzzCorpusTests {
    static let fuzz = Fixtures.repositoryRoot.appendingPathComponent("fuzz")

    static func files(_ folder: String, _ harness: String) -> [URL] {
        let url = fuzz.appendingPathComponent(folder).appendingPathComponent(harness)
        return ((try? FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)) ?? [])
            .filter { !$0.lastPathComponent.hasPrefix(".") }.sorted { $0.path < $1.path }
    }

    @Test func everyHarnessIsBuiltAndHasSeeds() {
        #expect(FuzzHarness.all.map(\.name) == ["decode", "onnx", "request-fields", "catalogue", "template", "options"])
        for harness in FuzzHarness.all {
            #expect(Self.files("corpus", harness.name).count >= 1, "\(harness.name) has seeds")
        }
    }

    @Test(arguments: FuzzHarness.all.map(\.name))
    func seedsAreAcceptedByTheirParser(_ name: String) throws {
        let harness = try #require(FuzzHarness.named(name))
        for seed in Self.files("corpus", name) {
            let data = try Data(contentsOf: seed)
            #expect(data.count <= harness.maxInputBytes, "\(seed.lastPathComponent) fits -max_len")
            let expected: FuzzOutcome = seed.lastPathComponent.hasPrefix("truncated") ? .rejected("truncated_image") : .accepted
            #expect(harness.run(data) == expected, "\(name)/\(seed.lastPathComponent)")
        }
    }

    /// Inputs the campaigns turned up, named `<what>.<code>`: each still gets that answer.
    @Test(arguments: FuzzHarness.all.map(\.name))
    func foundInputsKeepTheirAnswer(_ name: String) throws {
        let harness = try #require(FuzzHarness.named(name))
        for file in Self.files("regressions", name) {
            let expected = file.pathExtension == "accepted" ? FuzzOutcome.accepted : .rejected(file.pathExtension)
            #expect(harness.run(try Data(contentsOf: file)) == expected, "\(name)/\(file.lastPathComponent)")
        }
    }

    /// The ONNX seed is the test suite's own hand-built graph (every operation we map);
    /// LIGHTBOX_WRITE_FUZZ_SEEDS=1 rewrites it after ONNXBuilder changes.
    @Test func theONNXSeedIsTheBuilderModel() throws {
        let seed = Self.fuzz.appendingPathComponent("corpus/onnx/every-mapped-operation")
        let model = ONNXBuilder.everyMappedOperation()
        if ProcessInfo.processInfo.environment["LIGHTBOX_WRITE_FUZZ_SEEDS"] == "1" {
            try FileManager.default.createDirectory(at: seed.deletingLastPathComponent(), withIntermediateDirectories: true)
            try model.write(to: seed)
        }
        #expect(try Data(contentsOf: seed) == model)
        #expect(FuzzHarness.named("onnx")?.run(model) == .accepted)
    }
}
