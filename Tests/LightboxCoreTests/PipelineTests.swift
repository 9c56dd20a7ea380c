import Foundation
import LightboxTestSupport
import Testing

@testable import LightboxCore

@Suite struct PipelineTests {
    @Test func standardStepsInOrder() {
        #expect(Pipeline.standard.steps.map(\.name) == [
            "decode", "orient", "colour", "segment", "second-look", "hints", "text-overlay", "refine-matte", "region", "straighten", "cutout", "qa",
            "frame", "background", "fit", "shadow", "composite", "watermark", "encode",
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

    @Test func variantsShareOneSegmentationAndMatchSeparateRuns() throws {
        let input = try Fixtures.data("mug-wood.jpg")
        var white = ProcessOptions(), blue = ProcessOptions()
        white.canvas = PixelSize(width: 300, height: 300)
        blue.canvas = PixelSize(width: 400, height: 400)
        blue.background = .solid(RGBColour(hex: "#204080")!)
        blue.formats = [.png]
        let together = Pipeline.standard.run(input, variants: [white, blue], services: TestEngine.services)
        #expect(together.map { $0.outputs.first?.size } == [PixelSize(width: 300, height: 300), PixelSize(width: 400, height: 400)])
        #expect(together.allSatisfy { $0.timings.filter { $0.step == "segment" }.count == 1 })
        let alone = Pipeline.standard.run(input, options: blue, services: TestEngine.services)
        #expect(together[1].outputs.map(\.data) == alone.outputs.map(\.data), "the same bytes as a run of its own")
        let corner = try Pixels(decoding: together[1].outputs[0].data).pixel(3, 3)
        #expect(abs(corner[0] - 0x20) < 3 && abs(corner[2] - 0x80) < 3)
    }

    @Test func aFailureBeforeTheSplitFailsEveryVariant() {
        let outcomes = Pipeline.standard.run(Data("no image".utf8), variants: [ProcessOptions(), ProcessOptions()],
                                             services: TestEngine.services)
        #expect(outcomes.map { $0.error?.code } == [.unsupportedFormat, .unsupportedFormat])
    }
}
