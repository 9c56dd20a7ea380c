import Foundation
import LightboxTestSupport
import Testing

@testable import LightboxCore

@Suite struct ColourManageTests {
    struct PatchExpectation: Decodable {
        let patchCenter: [Int]
        let srgbLittlecms: [Int]
    }

    @Test func displayP3PatchMatchesLittleCMS() throws {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let expected = try decoder.decode(PatchExpectation.self, from: Fixtures.data("patch-display-p3.json"))
        let context = try TestEngine.context(through: "colour", input: Fixtures.data("patch-display-p3.png"))
        let pixels = try Pixels(#require(context.image))
        let got = pixels.pixel(expected.patchCenter[0], expected.patchCenter[1])
        for (channel, value) in got.enumerated() {
            #expect(abs(value - expected.srgbLittlecms[channel]) <= 2, "channel \(channel): \(got) vs \(expected.srgbLittlecms)")
        }
        #expect(context.notes.contains { $0.contains("ICC") })
    }

    @Test func untaggedImagesAreTakenAsSRGB() throws {
        let data = try Fixtures.data("mug-wood.jpg")
        let context = try TestEngine.context(through: "colour", input: data)
        let raw = try Pixels(VipsImage.decode(data))
        #expect(try Pixels(#require(context.image)).values == raw.values)
    }

    @Test func transparencyIsFlattenedOntoWhite() throws {
        let clear = try VipsImage.solid(PixelSize(width: 64, height: 48), colour: [10, 20, 30, 0])
        let context = try TestEngine.context(through: "colour", input: clear.tagged(.srgb).encoded(as: .png))
        let pixels = try Pixels(#require(context.image))
        #expect(pixels.bands == 3)
        #expect(pixels.pixel(5, 5) == [255, 255, 255])
    }
}
