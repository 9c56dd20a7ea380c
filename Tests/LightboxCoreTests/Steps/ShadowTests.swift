import Foundation
import LightboxTestSupport
import Testing

@testable import LightboxCore

@Suite struct ShadowTests {
    /// The canvas for each shadow kind, rendered on the same product.
    private static let canvases: [ShadowKind: Pixels] = {
        Dictionary(uniqueKeysWithValues: ShadowKind.allCases.map { kind in
            let outcome = try! TestEngine.run(Fixtures.data("mug-wood.jpg"), [("shadow", kind.rawValue), ("format", "png")])
            return (kind, try! Pixels(decoding: outcome.outputs[0].data))
        })
    }()

    /// Per pixel darkening against the shadowless canvas (0...255, summed over channels / 3).
    private func darkening(_ kind: ShadowKind) -> Pixels {
        let plain = Self.canvases[.none]!, shaded = Self.canvases[kind]!
        let values = (0..<plain.width * plain.height).map { index -> UInt8 in
            let drop = (0..<3).reduce(0) { $0 + Int(plain.values[index * 3 + $1]) - Int(shaded.values[index * 3 + $1]) }
            return UInt8(max(0, min(255, drop / 3)))
        }
        return try! Pixels(VipsImage.fromPixels(values, size: PixelSize(width: plain.width, height: plain.height),
                                                bands: 1, format: .uchar))
    }

    private var productBox: PixelRect {
        let plain = Self.canvases[.none]!
        return plain.boundingBox { x, y in (0..<3).contains { plain[x, y, $0] < 231 } }!
    }

    @Test(arguments: [ShadowKind.soft, .hard, .natural, .floating])
    func darkensBeneathTheProductAndNowhereFarFromIt(_ kind: ShadowKind) {
        let delta = darkening(kind), box = productBox
        let below = PixelRect(x: box.x, y: box.y + box.height, width: box.width, height: box.height / 10)
        #expect(delta.mean(in: below) > 3, "\(kind) darkens the floor below the product")
        let reach = box.height / 4
        var farthest = 0
        for y in 0..<delta.height {
            for x in 0..<delta.width where delta[x, y] > 2 {
                let dx = max(box.x - x, x - (box.x + box.width), 0), dy = max(box.y - y, y - (box.y + box.height), 0)
                farthest = max(farthest, max(dx, dy))
            }
        }
        #expect(farthest <= reach, "\(kind) reaches \(farthest) px from the product")
    }

    @Test func kindsDifferMeasurably() {
        let kinds: [ShadowKind] = [.soft, .hard, .natural, .floating]
        let deltas = kinds.map { darkening($0) }
        for i in kinds.indices {
            for j in kinds.indices where j > i {
                let difference = MaskComparison.meanAbsoluteError(deltas[i], deltas[j]) * 255
                #expect(difference > 0.3, "\(kinds[i]) and \(kinds[j]) differ by \(difference)")
            }
        }
    }
}
