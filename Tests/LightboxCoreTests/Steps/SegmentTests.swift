import Foundation
import LightboxTestSupport
import Testing

@testable import LightboxCore

@Suite struct SegmentTests {
    @Test func maskFindsTheProduct() throws {
        let context = try TestEngine.context(through: "segment", input: Fixtures.data("mug-wood.jpg"))
        let mask = try #require(context.mask)
        #expect(mask.image.size == PixelSize(width: 320, height: 320))
        #expect(mask.backend == "xnnpack")
        #expect(mask.rawPeak > 0.5)
        #expect(try mask.image.minimum() == 0)
        #expect(abs(try mask.image.maximum() - 1) < 1e-5, "min-max normalised")
        let truth = try Fixtures.alpha("mug-wood").scaledBilinear(to: mask.image.size)
        let overlap = MaskComparison.iou(try Pixels(mask.image.linear(255, 0, uchar: true)), try Pixels(truth))
        #expect(overlap > 0.8)
    }

    @Test func inputTensorIsNormalisedPlanar() throws {
        let segmenter = TestEngine.services.segmenter
        let white = try VipsImage.solid(PixelSize(width: 50, height: 40), colour: [255, 255, 255])
        let tensor = try segmenter.tensor(from: white)
        #expect(tensor.channels == 3 && tensor.size == segmenter.model.inputSize)
        let plane = tensor.size.pixelCount
        // (1 − mean) / std for each channel, constant over its plane.
        for channel in 0..<3 {
            let expected = Float((1 - SegmentationModel.imageNetMean[channel]) / SegmentationModel.imageNetStd[channel])
            #expect(abs(tensor.values[channel * plane] - expected) < 1e-4)
            #expect(abs(tensor.values[channel * plane + plane - 1] - expected) < 1e-4)
        }
    }
}
