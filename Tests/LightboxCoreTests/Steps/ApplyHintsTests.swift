import Foundation
import LightboxTestSupport
import Testing

@testable import LightboxCore

/// The kitchen-mug sample: the cutout keeps the wooden board standing behind the mug's
/// right side; one "remove" point on the board takes it out.
@Suite struct ApplyHintsTests {
    static let board = (x: 0.723, y: 0.6)

    @Test func oneRemovePointTakesTheBoardAwayAndLeavesTheMug() throws {
        let photo = try Data(contentsOf: Fixtures.examples.appendingPathComponent("kitchen-mug.jpg"))
        let options = [("frame", "photo"), ("background", "transparent"), ("format", "png"), ("shadow", "none"),
                       ("photo-megapixels", "0.5")]
        let before = try Pixels(decoding: try #require(TestEngine.run(photo, options).outputs.first).data)
        let hinted = try TestEngine.run(photo, options + [("matte-hints", "remove:\(Self.board.x),\(Self.board.y)")])
        let after = try Pixels(decoding: try #require(hinted.outputs.first).data)
        let (x, y) = (Int(Self.board.x * Double(after.width)), Int(Self.board.y * Double(after.height)))
        #expect(before[x, y, 3] > 200, "without the hint the board is kept")
        #expect(after[x, y, 3] < 30, "with it, the board is background: \(after[x, y, 3])")
        let (mugX, mugY) = (after.width / 2, Int(0.7 * Double(after.height)))
        #expect(after[mugX, mugY, 3] == 255, "the mug stays")
        #expect(hinted.notes.contains("applied 1 matte hint(s)"))
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
