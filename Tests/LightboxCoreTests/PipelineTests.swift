import Foundation
import LightboxTestSupport
import Testing

@testable import LightboxCore

@Suite struct PipelineTests {
    @Test func standardStepsInOrder() {
        #expect(Pipeline.standard.steps.map(\.name) == [
            "decode", "orient", "colour", "segment", "refine-matte", "straighten", "cutout", "qa",
            "background", "fit", "shadow", "composite", "watermark", "encode",
        ])
    }

    @Test func aSamplePhotoBecomesAStudioShot() throws {
        let input = try Data(contentsOf: Fixtures.examples.appendingPathComponent("wood-bottle-display-p3-exif8.jpg"))
        let outcome = try TestEngine.run(input)
        #expect(outcome.error == nil)
        #expect(outcome.outputs.map(\.format) == [.jpeg, .webp])
        #expect(outcome.outputs.allSatisfy { $0.size == PixelSize(width: 1500, height: 1500) })
        #expect(outcome.timings.map(\.step) == ["decode", "orient", "colour", "segment", "refine-matte", "qa",
                                                "background", "fit", "shadow", "composite", "encode"])
        #expect(outcome.sourceFormat == .jpeg && outcome.backend == "xnnpack")
        let corner = try Pixels(decoding: outcome.outputs[0].data).pixel(10, 10)
        #expect(corner.allSatisfy { $0 >= 250 }, "white studio background")
    }

    @Test func aFailureStopsThePipelineAndReturnsNoOutputs() {
        let outcome = Pipeline.standard.run(Data([0xFF, 0xD8, 0xFF, 0xE0]), options: ProcessOptions(),
                                            services: TestEngine.services)
        #expect(outcome.error?.code == .truncatedImage || outcome.error?.code == .corruptImage)
        #expect(outcome.outputs.isEmpty)
        #expect(outcome.timings.map(\.step) == ["decode"])
    }
}
