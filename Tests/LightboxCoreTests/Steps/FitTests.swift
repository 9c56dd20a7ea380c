import Foundation
import LightboxTestSupport
import Testing

@testable import LightboxCore

@Suite struct FitTests {
    @Test func layoutFillsTheCanvasMinusTheMargin() {
        let canvas = PixelSize(width: 1500, height: 1500)
        let tall = Fit.layout(product: PixelSize(width: 600, height: 1200), canvas: canvas, marginPercent: 12, alignment: .center)
        #expect(tall == PixelRect(x: 465, y: 180, width: 570, height: 1140))
        let wide = Fit.layout(product: PixelSize(width: 900, height: 300), canvas: canvas, marginPercent: 12, alignment: .center)
        #expect(wide == PixelRect(x: 180, y: 560, width: 1140, height: 380))
        let standing = Fit.layout(product: PixelSize(width: 900, height: 300), canvas: canvas, marginPercent: 12, alignment: .bottom)
        #expect(standing.y + standing.height == 1320)
    }

    @Test(arguments: [("mug-wood.jpg", "1500x1500"), ("lipstick-small.jpg", "1200x800")])
    func productFillsTheCanvasAndIsCentred(_ name: String, _ size: String) throws {
        let outcome = try TestEngine.run(Fixtures.data(name), [("shadow", "none"), ("format", "png"), ("size", size)])
        let output = try #require(outcome.outputs.first)
        let pixels = try Pixels(decoding: output.data)
        // Product pixels: visibly different from the white background.
        let box = try #require(pixels.boundingBox { x, y in (0..<3).contains { pixels[x, y, $0] < 231 } })
        let canvas = output.size
        let inner = (Double(canvas.width) * 0.76, Double(canvas.height) * 0.76)
        let fillsWidth = abs(Double(box.width) - inner.0) <= 2, fillsHeight = abs(Double(box.height) - inner.1) <= 2
        #expect(fillsWidth || fillsHeight, "box \(box) on \(canvas)")
        #expect(Double(box.width) <= inner.0 + 2 && Double(box.height) <= inner.1 + 2)
        #expect(abs(Double(box.x) + Double(box.width) / 2 - Double(canvas.width) / 2) <= 2)
        #expect(abs(Double(box.y) + Double(box.height) / 2 - Double(canvas.height) / 2) <= 2)
    }
}
