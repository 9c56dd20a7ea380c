import Foundation
import LightboxTestSupport
import Testing

@testable import LightboxCore

@Suite struct SecondLookTests {
    /// The matte of the mug photo against its true alpha, with and without the second look.
    private func mugMatte(secondLook: Bool) throws -> (overlap: Double, notes: [String]) {
        let context = try TestEngine.context(through: "refine-matte", input: Fixtures.data("mug-wood.jpg")) {
            $0.wantsCutout = true
            $0.matte.secondLook = secondLook
        }
        let matte = try #require(context.matte)
        let truth = try Fixtures.alpha("mug-wood")
        let overlap = MaskComparison.iou(try Pixels(matte), try Pixels(truth))
        if secondLook && overlap < 0.99 { Inspection.save(["matte": matte, "truth": truth], label: "second-look-mug") }
        return (overlap, context.notes)
    }

    @Test func theSecondLookTracesTheMugCloser() throws {
        let once = try mugMatte(secondLook: false), twice = try mugMatte(secondLook: true)
        #expect(twice.notes.contains("second look at the product's crop"), "\(twice.notes)")
        #expect(!once.notes.contains { $0.hasPrefix("second look") })
        #expect(twice.overlap >= 0.99, "IoU \(twice.overlap)")
        #expect(twice.overlap > once.overlap + 0.005, "IoU \(once.overlap) → \(twice.overlap)")
    }

    @Test func itIsAskedFor() throws {
        #expect(!ProcessOptions().matte.secondLook)
        #expect(try ProcessOptions.resolve([(name: "second-look", value: "true")]).matte.secondLook)
        #expect(!SecondLook().isEnabled(for: ProcessOptions()))
    }

    @Test func theCropIsTheProductsBoxPaddedByAQuarter() throws {
        var values = [Float](repeating: 0, count: 100 * 100)
        for y in 40..<60 { for x in 30..<50 { values[y * 100 + x] = 1 } }
        let product = try VipsImage.fromPixels(values, size: PixelSize(width: 100, height: 100), bands: 1, format: .float)
        #expect(try SecondLook.crop(around: product) == PixelRect(x: 25, y: 35, width: 30, height: 30))
    }

    @Test func aProductFillingTheFrameGetsNoSecondLook() throws {
        var values = [Float](repeating: 0, count: 100 * 100)
        for y in 10..<90 { for x in 10..<90 { values[y * 100 + x] = 1 } }
        let product = try VipsImage.fromPixels(values, size: PixelSize(width: 100, height: 100), bands: 1, format: .float)
        #expect(try SecondLook.crop(around: product) == nil)
        let empty = try VipsImage.fromPixels([Float](repeating: 0, count: 100), size: PixelSize(width: 10, height: 10), bands: 1, format: .float)
        #expect(try SecondLook.crop(around: empty) == nil)
    }

    @Test func theLooksJoinByTheirLargerValueInsideTheCrop() throws {
        let first = try VipsImage.fromPixels([Float](repeating: 0.4, count: 16), size: PixelSize(width: 4, height: 4), bands: 1, format: .float)
        let second = try VipsImage.fromPixels([0.9, 0.1, 0.2, 0.7] as [Float], size: PixelSize(width: 2, height: 2), bands: 1, format: .float)
        let joined = try SecondLook.joined(first, second, at: PixelRect(x: 1, y: 2, width: 2, height: 2)).pixels(as: Float.self)
        #expect(joined == [0.4, 0.4, 0.4, 0.4,
                           0.4, 0.4, 0.4, 0.4,
                           0.4, 0.9, 0.4, 0.4,
                           0.4, 0.4, 0.7, 0.4])
    }

    @Test func theShareOfTheProductLostCountsOnlyItsPixels() throws {
        let size = PixelSize(width: 4, height: 1)
        let product = try VipsImage.fromPixels([1, 1, 0, 0] as [Float], size: size, bands: 1, format: .float)
        let other = try VipsImage.fromPixels([0, 1, 1, 1] as [Float], size: size, bands: 1, format: .float)
        #expect(try SecondLook.share(of: product, lostIn: other) == 0.5)
        #expect(try SecondLook.share(of: product, lostIn: product) == 0)
    }
}
