import Foundation
import LightboxTestSupport
import Testing

@testable import LightboxCore

@Suite struct BackgroundTests {
    private let size = PixelSize(width: 120, height: 80)

    private func render(_ text: String) throws -> Pixels {
        try Pixels(#require(BackgroundSpec(parsing: text)).renderer(seed: 1).render(size: size))
    }

    @Test func solidColour() throws {
        let pixels = try render("#1e90ff")
        #expect(pixels.bands == 3)
        #expect(pixels.pixel(0, 0) == [30, 144, 255] && pixels.pixel(119, 79) == [30, 144, 255])
    }

    @Test func linearGradientRunsTopToBottomByDefault() throws {
        let pixels = try render("linear-gradient(#ffffff, #000000)")
        let column = (0..<size.height).map { Int(pixels[60, $0]) }
        #expect(column.first! > 250 && column.last! < 5)
        #expect(zip(column, column.dropFirst()).allSatisfy { $0 >= $1 })
        #expect(pixels[0, 40] == pixels[119, 40])
    }

    @Test func linearGradientTakesAnAngle() throws {
        let pixels = try render("linear-gradient(90deg, #000000, #ffffff)")
        #expect(pixels[0, 40] < 5 && pixels[119, 40] > 250)
        #expect(pixels[60, 0] == pixels[60, 79])
    }

    @Test func radialGradientIsInnerAtTheCentre() throws {
        let pixels = try render("radial-gradient(#ffffff, #404040)")
        #expect(pixels[60, 40] > 250)
        #expect(pixels[0, 0] < 70)
    }

    @Test func transparentHasZeroAlpha() throws {
        let pixels = try render("transparent")
        #expect(pixels.bands == 4 && pixels[10, 10, 3] == 0)
    }

    @Test func malformedSpecsAreRejected() {
        for text in ["#12345", "linear-gradient(#fff)", "radial-gradient(#fff, #000, #111)",
                     "linear-gradient(northdeg, #fff, #000)", "linear-gradient(#fff, #000"] {
            #expect(BackgroundSpec(parsing: text) == nil, "\(text)")
        }
        #expect(BackgroundSpec(parsing: "#FFF") == .solid(.white))
        #expect(BackgroundSpec(parsing: "linear-gradient(45deg, #fff, #000)")?.description
            == "linear-gradient(45deg, #ffffff, #000000)")
    }
}
