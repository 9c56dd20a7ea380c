import Foundation
import LightboxTestSupport
import Testing

@testable import LightboxCore

/// The kitchen-mug sample: the cutout keeps the wooden board standing behind the mug's
/// right side; one "remove" point on the board takes it out.
@Suite struct ApplyHintsTests {
    static let board = (x: 0.723, y: 0.6)

    /// The sample's transparent cutout in its own frame, without hints and with `hints`.
    static func cutouts(hints: String) throws -> (before: Pixels, after: Pixels, notes: [String]) {
        let photo = try Data(contentsOf: Fixtures.examples.appendingPathComponent("kitchen-mug.jpg"))
        let options = [("frame", "photo"), ("background", "transparent"), ("format", "png"), ("shadow", "none"),
                       ("photo-megapixels", "0.5")]
        let before = try Pixels(decoding: try #require(TestEngine.run(photo, options).outputs.first).data)
        let hinted = try TestEngine.run(photo, options + [("matte-hints", hints)])
        return (before, try Pixels(decoding: try #require(hinted.outputs.first).data), hinted.notes)
    }

    @Test func oneRemovePointTakesTheBoardAwayAndLeavesTheMug() throws {
        let (before, after, notes) = try Self.cutouts(hints: "remove:\(Self.board.x),\(Self.board.y)")
        let (x, y) = (Int(Self.board.x * Double(after.width)), Int(Self.board.y * Double(after.height)))
        #expect(before[x, y, 3] > 200, "without the hint the board is kept")
        #expect(after[x, y, 3] < 30, "with it, the board is background: \(after[x, y, 3])")
        let (mugX, mugY) = (after.width / 2, Int(0.7 * Double(after.height)))
        #expect(after[mugX, mugY, 3] == 255, "the mug stays")
        #expect(notes.contains("applied 1 matte hint(s)"))
    }

    /// The magenta bag behind the handle: its folds step further in colour than its edge with
    /// the handle, so only its hue carries a click over it. The handle crosses it, so it takes
    /// one click below the handle's top and one above.
    @Test func twoRemovePointsTakeTheBagBehindTheHandleAwayAndLeaveTheHandle() throws {
        let (before, after, _) = try Self.cutouts(hints: "remove:0.431,0.6;remove:0.422,0.5")
        /// Opaque pixels in the left half, by what they show.
        func opaque(_ cutout: Pixels) -> (magenta: Int, cyan: Int) {
            var (magenta, cyan) = (0, 0)
            for y in 0..<cutout.height {
                for x in 0..<cutout.width / 2 where cutout[x, y, 3] > 128 {
                    let (r, g, b) = (Int(cutout[x, y, 0]), Int(cutout[x, y, 1]), Int(cutout[x, y, 2]))
                    if r > g + 40, b > g + 20 { magenta += 1 }
                    if b > r + 30, g > r { cyan += 1 }
                }
            }
            return (magenta, cyan)
        }
        let (kept, gone) = (opaque(before), opaque(after))
        #expect(kept.magenta > 1_000, "without the hints the bag is kept: \(kept)")
        #expect(gone.magenta < kept.magenta / 20, "with them it is background: \(kept) → \(gone)")
        #expect(abs(gone.cyan - kept.cyan) < kept.cyan / 50, "the mug and its handle stay: \(kept) → \(gone)")
        let handle = (x: Int(0.39 * Double(after.width)), y: Int(0.6 * Double(after.height)))
        #expect(after[handle.x, handle.y, 3] == 255, "the handle's arm beside the bag stays opaque")
    }

    @Test func hintsParseAndRefuseNonsense() throws {
        let hints = try #require(try ProcessOptions.Spec.matteHints.parse("remove:0.5,0.25; keep:1,0"))
        #expect(hints.points == [.init(.remove, x: 0.5, y: 0.25), .init(.keep, x: 1, y: 0)])
        #expect(hints.description == "remove:0.5,0.25;keep:1,0")
        for bad in ["erase:0.5,0.5", "remove:1.5,0", "remove:0.5", "keep", ""] {
            #expect(throws: LightboxError.self, "\(bad)") { try ProcessOptions.Spec.matteHints.parse(bad) }
        }
    }
}
