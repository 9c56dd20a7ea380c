import Foundation
import LightboxTestSupport
import Testing

@testable import LightboxCore

@Suite struct QualityCheckTests {
    @Test func aFlatWallFailsQA() throws {
        let outcome = try TestEngine.run(Fixtures.data("flat-wall.jpg"))
        #expect(outcome.error?.code == .qaFailed)
        #expect(outcome.error?.message.contains("No product found") == true)
        #expect(outcome.outputs.isEmpty)
        #expect(outcome.qa?.passed == false)
    }

    @Test func aSmallProductPasses() throws {
        let outcome = try TestEngine.run(Fixtures.data("lipstick-small.jpg"))
        let qa = try #require(outcome.qa)
        #expect(outcome.error == nil)
        #expect(qa.coverage > 0.005 && qa.coverage < 0.05, "the lipstick covers 1-5% of the frame")
        #expect(qa.passed && qa.score > 0.5)
    }

    @Test func aProductCutByTheFramingTouchesTheEdge() throws {
        // The mug stands in the middle of its photo; cropped through the mug, it runs off the left edge.
        let photo = try Fixtures.data("mug-wood.jpg")
        let whole = try #require(try TestEngine.run(photo).qa)
        #expect(!whole.touchesEdge)
        let image = try VipsImage.decode(photo)
        let box = try #require(try Fit.bounds(of: Fixtures.alpha("mug-wood")))
        let cut = try image.cropped(to: PixelRect(x: box.x + box.width / 3, y: 0, width: image.size.width - box.x - box.width / 3,
                                                  height: image.size.height)).encoded(as: .jpeg)
        let cutQA = try #require(try TestEngine.run(cut).qa)
        #expect(cutQA.touchesEdge, "\(cutQA)")
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(cutQA)) as? [String: Any]
        #expect(encoded?["touches_edge"] as? Bool == true)
    }

    @Test func thresholdsAreConfigurable() throws {
        let outcome = try TestEngine.run(Fixtures.data("lipstick-small.jpg"), [("qa-min-coverage", "0.1")])
        #expect(outcome.error?.code == .qaFailed)
    }

    @Test func eachRuleNamesItsReason() {
        let limits = QAThresholds()
        let good = QAReport(coverage: 0.02, uncertainty: 0.1, peak: 1)
        #expect(QualityCheck.failure(good, limits) == nil)
        #expect(QualityCheck.failure(QAReport(coverage: 0.97, uncertainty: 0.1, peak: 1), limits)?
            .contains("covers 97.0%") == true)
        #expect(QualityCheck.failure(QAReport(coverage: 0.2, uncertainty: 0.7, peak: 1), limits)?
            .contains("unsure") == true)
        #expect(QualityCheck.failure(QAReport(coverage: 0.2, uncertainty: 0.1, peak: 0.01), limits)?
            .contains("No product") == true)
    }
}
