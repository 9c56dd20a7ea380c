import Foundation
import LightboxTestSupport
import Testing

@testable import LightboxCore

@Suite struct CutoutTests {
    @Test func cutoutIsUprightRGBAAtFullResolution() throws {
        let outcome = try TestEngine.run(Fixtures.data("mug-wood.jpg")) { $0.wantsCutout = true }
        let cutout = try #require(outcome.cutout)
        let pixels = try Pixels(decoding: cutout.data)
        #expect(cutout.format == .png)
        #expect(pixels.bands == 4 && pixels.width == 600 && pixels.height == 800)
        #expect(pixels[3, 3, 3] == 0 && pixels[300, 450, 3] == 255)
    }

    @Test func cutoutIsKeptWhenQAFails() throws {
        let outcome = try TestEngine.run(Fixtures.data("flat-wall.jpg")) { $0.wantsCutout = true }
        #expect(outcome.error?.code == .qaFailed)
        #expect(outcome.cutout != nil)
    }

    @Test func noCutoutUnlessAsked() throws {
        #expect(try TestEngine.run(Fixtures.data("mug-wood.jpg")).cutout == nil)
    }
}
