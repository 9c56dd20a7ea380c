import Foundation
import LightboxTestSupport
import Testing

@testable import LightboxCore

/// The photo and product frames on the real model: the lipstick photo is 1200x1600 with the
/// lipstick at (610, 723)–(695, 1101).
@Suite struct FramePhotoTests {
    static func photo() throws -> Data { try Fixtures.data("lipstick-small.jpg") }

    @Test func thePhotoFrameKeepsThePhotosSizeAndTheProductWhereItStood() throws {
        let outcome = try TestEngine.run(Self.photo(), [("frame", "photo"), ("background", "transparent"), ("format", "png"),
                                                        ("shadow", "none")])
        let output = try #require(outcome.outputs.first, "\(String(describing: outcome.error))")
        #expect(output.size == PixelSize(width: 1200, height: 1600))
        let frame = try #require(outcome.productFrame)
        #expect(abs(frame.x - 610) <= 12 && abs(frame.y - 723) <= 12 && abs(frame.width - 85) <= 16, "\(frame)")
    }

    @Test func theMegapixelCapShrinksThePhotoNeverEnlargesIt() {
        let photo = PixelSize(width: 1200, height: 1600)
        #expect(abs(FramePhoto.scale(of: photo, megapixels: 0.25) - 0.3608) < 0.001)
        #expect(FramePhoto.scale(of: photo, megapixels: 50) == 1)
    }

    @Test func scaleAndPositionPlaceTheSubjectInItsFrame() {
        let subject = PixelRect(x: 100, y: 50, width: 40, height: 80)
        let frame = PixelSize(width: 400, height: 200)
        #expect(FramePhoto.place(subject, in: frame, scale: nil, position: .original) == subject)
        #expect(FramePhoto.place(subject, in: frame, scale: nil, position: .center) == PixelRect(x: 180, y: 60, width: 40, height: 80))
        // Half the frame's height is the tighter side: 100 high, 50 wide.
        let half = FramePhoto.place(subject, in: frame, scale: 0.5, position: .at(x: 100, y: 0))
        #expect(half == PixelRect(x: 350, y: 0, width: 50, height: 100))
    }

    @Test func framingOptionsParseAsRemoveBGWritesThem() throws {
        let margin = try ProcessOptions.Spec.cropMargin.parse("10px 5%")
        #expect(margin.top == .pixels(10) && margin.right == .percent(5) && margin.bottom == .pixels(10) && margin.left == .percent(5))
        let four = try ProcessOptions.Spec.cropMargin.parse("1 2px 3% 4")
        #expect(four.left == .pixels(4) && four.bottom == .percent(3))
        for bad in ["501px", "51%", "1 2 3", "-4px", "ten"] {
            #expect(throws: LightboxError.self, "crop-margin \(bad)") { try ProcessOptions.Spec.cropMargin.parse(bad) }
        }
        #expect(try ProcessOptions.Spec.subjectScale.parse("original") == nil)
        #expect(try ProcessOptions.Spec.subjectScale.parse("40%") == 0.4)
        for bad in ["5%", "101%", "0.5"] {
            #expect(throws: LightboxError.self, "subject-scale \(bad)") { try ProcessOptions.Spec.subjectScale.parse(bad) }
        }
        #expect(try ProcessOptions.Spec.subjectPosition.parse("25%") == .at(x: 25, y: 25))
        #expect(try ProcessOptions.Spec.subjectPosition.parse("0% 100%") == .at(x: 0, y: 100))
        #expect(throws: LightboxError.self) { try ProcessOptions.Spec.subjectPosition.parse("120% 0%") }

        let region = try #require(try ProcessOptions.Spec.region.parse("10% 0% 50% 100px"))
        // On a 600x800 working image of a 1200x1600 photo: pixels scale, percent does not.
        #expect(region.rect(on: PixelSize(width: 600, height: 800), photo: PixelSize(width: 1200, height: 1600))
                == PixelRect(x: 60, y: 0, width: 240, height: 50))
        #expect(region.rect(on: PixelSize(width: 600, height: 800), photo: PixelSize(width: 1200, height: 1600)) != nil)
        let empty = try #require(try ProcessOptions.Spec.region.parse("50% 0% 50% 100%"))
        #expect(empty.rect(on: PixelSize(width: 10, height: 10), photo: PixelSize(width: 10, height: 10)) == nil)
    }

    @Test func aRegionWithoutTheProductIsAClearFailure() throws {
        let outcome = try TestEngine.run(Self.photo(), [("frame", "photo"), ("background", "transparent"), ("format", "png"),
                                                        ("region", "0% 0% 30% 30%")])
        #expect(outcome.error?.code == .qaFailed, "\(String(describing: outcome.error))")
    }
}
