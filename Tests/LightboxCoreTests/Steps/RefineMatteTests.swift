import Foundation
import LightboxTestSupport
import Testing

@testable import LightboxCore

@Suite struct RefineMatteTests {
    @Test func fullFrameMatteMatchesTheGroundTruth() throws {
        let context = try TestEngine.context(through: "refine-matte", input: Fixtures.data("mug-wood.jpg")) {
            $0.wantsCutout = true
        }
        let matte = try #require(context.matte)
        let truth = try Fixtures.alpha("mug-wood")
        #expect(matte.size == truth.size)
        let (got, want) = (try Pixels(matte), try Pixels(truth))
        let overlap = MaskComparison.iou(got, want), error = MaskComparison.meanAbsoluteError(got, want)
        if overlap < 0.9 || error > 0.03 { Inspection.save(["matte": matte, "truth": truth], label: "mug-matte") }
        #expect(overlap >= 0.9)
        #expect(error <= 0.03)
        #expect(context.foreground?.size == matte.size)
    }

    @Test func studioShotsRefineOnlyTheProductRegion() throws {
        let context = try TestEngine.context(through: "refine-matte", input: Fixtures.data("lipstick-small.jpg"))
        let matte = try #require(context.matte)
        let source = try #require(context.sourceSize)
        #expect(matte.size.pixelCount < source.pixelCount / 4, "matte \(matte.size) of \(source)")
        #expect(try Pixels(matte).values.contains(255))
        #expect(context.image == nil, "the whole frame is released once the region is cut")
    }
}
