import Foundation
import LightboxTestSupport
import Testing

@testable import LightboxCore

/// Scenes drawn on a 320×320 mask with their photo: a product standing on the counter, and
/// what the model would also have included.
@Suite struct StandingObjectsTests {
    struct Scene {
        var mask = [Float](repeating: 0, count: 320 * 320)
        var photo = [UInt8](repeating: 0, count: 320 * 320 * 3)

        init(wall: [UInt8] = [200, 205, 210]) {
            for index in 0..<(320 * 320) { photo.replaceSubrange((index * 3)..<(index * 3 + 3), with: wall) }
        }

        mutating func draw(_ xs: Range<Int>, _ ys: Range<Int>, _ colour: [UInt8], masked: Bool = true) {
            for y in ys { for x in xs {
                if masked { mask[y * 320 + x] = 1 }
                photo.replaceSubrange(((y * 320 + x) * 3)..<((y * 320 + x) * 3 + 3), with: colour)
            } }
        }

        func run(_ objects: StandingObjects = StandingObjects()) throws -> (mask: [Float], dropped: Int) {
            let size = PixelSize(width: 320, height: 320)
            let (mask, dropped) = try objects.apply(
                to: VipsImage.fromPixels(mask, size: size, bands: 1, format: .float),
                image: VipsImage.fromPixels(photo, size: size, bands: 3, format: .uchar))
            return (try mask.pixels(as: Float.self), dropped)
        }
    }

    /// A bottle with a darker cap, and a wooden board standing behind it to the right, its
    /// lower corner hidden by the bottle's shoulder.
    static func bottleAndBoard(board: [UInt8] = [150, 100, 50]) -> Scene {
        var scene = Scene()
        scene.draw(182..<262, 40..<150, board)
        scene.draw(110..<190, 120..<290, [90, 140, 200])
        scene.draw(135..<165, 90..<120, [30, 30, 30])
        return scene
    }

    @Test func aBoardBehindTheProductIsCutAndItsCapStays() throws {
        let (mask, dropped) = try Self.bottleAndBoard().run()
        #expect(dropped == 1)
        #expect(mask[60 * 320 + 230] == 0 && mask[130 * 320 + 240] == 0, "the board")
        #expect(mask[200 * 320 + 150] == 1 && mask[280 * 320 + 115] == 1, "the bottle")
        #expect(mask[100 * 320 + 150] == 1, "the cap resting on it")
    }

    /// The cap overlaps the board behind it, so the split makes the two one object (with the
    /// bottle's corner); its colour tells it apart, and it rests on the bottle within its width.
    @Test func aCapJoinedToTheBoardBehindItStaysWithTheBottle() throws {
        var scene = Scene()
        scene.draw(165..<245, 40..<150, [150, 100, 50])
        scene.draw(110..<190, 120..<290, [90, 140, 200])
        scene.draw(150..<190, 95..<120, [30, 30, 30])
        let (mask, dropped) = try scene.run()
        #expect(dropped == 1)
        #expect(mask[60 * 320 + 235] == 0 && mask[140 * 320 + 240] == 0, "the board")
        #expect(mask[100 * 320 + 153] == 1 && mask[115 * 320 + 187] == 1, "the cap")
        #expect(mask[200 * 320 + 150] == 1, "the bottle")
        let withoutLids = try scene.run(StandingObjects(lidColourDistance: .infinity)).mask
        #expect(withoutLids[100 * 320 + 170] == 0, "the split alone drops the cap with the board")
    }

    /// A bangle standing against a wall on a wooden floor, the lower half of its hole filled by
    /// the mask: the floor seen through it is cut, the ring stays.
    @Test func theFloorSeenThroughABangleIsCut() throws {
        var scene = Scene(wall: [140, 130, 180])
        scene.draw(0..<320, 200..<320, [150, 110, 70], masked: false)
        for y in 0..<320 { for x in 0..<320 {
            let radius = (Double((x - 160) * (x - 160) + (y - 180) * (y - 180))).squareRoot()
            if radius < 100 && radius >= 80 { scene.draw(x..<(x + 1), y..<(y + 1), [200, 170, 60]) }
            if radius < 80 && y >= 200 { scene.mask[y * 320 + x] = 1 }
        } }
        let (mask, _) = try scene.run()
        #expect(mask[240 * 320 + 160] == 0 && mask[210 * 320 + 120] == 0, "the floor inside")
        #expect(mask[90 * 320 + 160] == 1 && mask[270 * 320 + 160] == 1 && mask[180 * 320 + 70] == 1, "the ring")
        let withoutHoles = try scene.run(StandingObjects(holeColourDistance: 0)).mask
        #expect(withoutHoles[240 * 320 + 160] == 1, "the split alone keeps what the ring encloses")
    }

    /// A pale box on a backdrop of its own colour, with a real hole: what grows from the hole
    /// reaches the open backdrop, so nothing is cut.
    @Test func aProductColouredLikeTheBackdropKeepsItsBody() throws {
        var scene = Scene(wall: [235, 235, 235])
        scene.draw(100..<220, 80..<290, [235, 235, 235])
        for y in 150..<190 { for x in 140..<180 { scene.mask[y * 320 + x] = 0 } }
        let (mask, dropped) = try scene.run()
        #expect(dropped == 0 && mask[120 * 320 + 160] == 1 && mask[250 * 320 + 110] == 1)
    }

    @Test func withoutAColourEdgeNothingIsCut() throws {
        let (mask, dropped) = try Self.bottleAndBoard(board: [90, 140, 200]).run()
        #expect(dropped == 0 && mask[60 * 320 + 230] == 1)
    }

    @Test func twoProductsOnTheSameCounterBothStay() throws {
        var scene = Scene()
        scene.draw(40..<120, 150..<290, [200, 60, 60])
        scene.draw(180..<280, 100..<286, [60, 160, 60])
        let (mask, dropped) = try scene.run()
        #expect(dropped == 0 && mask[200 * 320 + 80] == 1 && mask[200 * 320 + 230] == 1)
    }

    @Test func aDetachedObjectStandingBehindAndAsideGoes() throws {
        var scene = Scene()
        scene.draw(120..<220, 120..<290, [200, 60, 60])
        scene.draw(20..<60, 60..<150, [60, 60, 200])
        let (mask, dropped) = try scene.run()
        #expect(dropped == 1 && mask[100 * 320 + 40] == 0 && mask[200 * 320 + 170] == 1)
    }

    @Test func aLabelInsideTheProductIsNeverCut() throws {
        var scene = Scene()
        scene.draw(100..<220, 80..<290, [230, 230, 230])
        scene.draw(120..<200, 150..<200, [20, 120, 40])
        let (mask, dropped) = try scene.run()
        #expect(dropped == 0 && mask[170 * 320 + 160] == 1)
    }
}

/// The kitchen-mug sample: the crock standing apart at the left is cut with its soft fringe,
/// so the studio shot is framed on the mug (with its handle, about 1.2 times as wide as tall),
/// not on the mug and a faint remnant far to its left.
@Suite struct StandingObjectsPhotoTests {
    @Test func theShotIsFramedOnTheMugAlone() throws {
        let photo = try Data(contentsOf: Fixtures.examples.appendingPathComponent("kitchen-mug.jpg"))
        let context = try TestEngine.context(through: "fit", input: photo)
        let placed = try #require(context.product?.frame)
        #expect(context.notes.contains { $0.contains("behind or against the product") })
        #expect(Double(placed.width) < 1.4 * Double(placed.height), "placed \(placed)")
    }
}
