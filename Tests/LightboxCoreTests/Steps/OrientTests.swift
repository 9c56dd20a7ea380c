import Foundation
import LightboxTestSupport
import Testing

@testable import LightboxCore

@Suite struct OrientTests {
    @Test(arguments: ["lipstick-exif6", "bottle-exif8"])
    func rotatedPhotosComeOutUpright(_ name: String) throws {
        let stored = try VipsImage.decode(Fixtures.data(name + ".jpg"))
        let truth = try Fixtures.alpha(name)
        #expect(stored.size == PixelSize(width: truth.height, height: truth.width), "fixture is stored rotated")
        let outcome = try TestEngine.run(Fixtures.data(name + ".jpg")) { $0.wantsCutout = true }
        let cutout = try VipsImage.decode(#require(outcome.cutout).data)
        #expect(cutout.size == truth.size)
        let overlap = MaskComparison.iou(try Pixels(cutout.bands(3)), try Pixels(truth))
        if overlap < 0.85 { Inspection.save(["cutout": cutout, "truth": truth], label: name) }
        #expect(overlap >= 0.85)
        #expect(outcome.notes.contains { $0.contains("EXIF orientation") })
    }

    @Test func uprightPhotosAreLeftAlone() throws {
        let context = try TestEngine.context(through: "orient", input: Fixtures.data("mug-wood.jpg"))
        #expect(context.image?.size == PixelSize(width: 600, height: 800))
        #expect(context.notes.isEmpty)
    }
}
