import Foundation
import LightboxTestSupport
import Testing

@testable import LightboxCore

@Suite struct CompositeTests {
    @Test func productSitsOnTheBackgroundColour() throws {
        let outcome = try TestEngine.run(Fixtures.data("mug-wood.jpg"),
                                         [("background", "#204060"), ("shadow", "none"), ("format", "png")])
        let pixels = try Pixels(decoding: #require(outcome.outputs.first).data)
        #expect(pixels.bands == 3)
        #expect(pixels.pixel(5, 5) == [32, 64, 96])
        // The mug's body, in the middle of the canvas, is not background.
        #expect(pixels.pixel(750, 750) != [32, 64, 96])
    }

    @Test func transparentBackgroundKeepsAlpha() throws {
        let outcome = try TestEngine.run(Fixtures.data("mug-wood.jpg"),
                                         [("background", "transparent"), ("shadow", "none"), ("format", "png,webp")])
        for output in outcome.outputs {
            let pixels = try Pixels(decoding: output.data)
            #expect(pixels.bands == 4, "\(output.format)")
            #expect(pixels[5, 5, 3] == 0)
            #expect(pixels[750, 750, 3] == 255)
        }
    }
}
