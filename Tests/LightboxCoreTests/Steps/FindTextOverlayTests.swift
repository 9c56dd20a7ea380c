import Foundation
import LightboxTestSupport
import Testing

@testable import LightboxCore

/// Text over a photo's background (a stock watermark, a shop's URL) is found; the
/// product's own label and a cluttered kitchen are not text over the background. The renders
/// run on threads of their own, leaving Swift's few cooperative threads to the suites that
/// serve HTTP meanwhile.
@Suite struct FindTextOverlayTests {
    static let samples = ["kitchen-mug", "studio-compact-perfume", "wall-bangle", "wall-pump-bottle-exif6",
                          "wood-bottle-display-p3-exif8"]

    static func sample(_ name: String) throws -> Data {
        try Data(contentsOf: Fixtures.examples.appendingPathComponent(name + ".jpg"))
    }

    /// The kitchen-mug photo with `text` in white along its bottom left.
    static func watermarked(_ text: String) throws -> (photo: Data, at: PixelRect) {
        let photo = try VipsImage.decode(try sample("kitchen-mug")).autorotated()
        let height = photo.height / 18
        let at = PixelRect(x: photo.width / 30, y: photo.height - 2 * height, width: photo.width / 2, height: height)
        let marked = try photo.drawingText(text, at: (at.x, at.y), font: "DejaVu Sans Bold \(height)", ink: [255, 255, 255])
        return (try marked.encoded(as: .jpeg), at)
    }

    static func run(_ photo: Data, _ options: [(String, String)]) async throws -> PipelineOutcome {
        try await onThread { try TestEngine.run(photo, options) }
    }

    @Test(arguments: samples)
    func theSamplesCarryNoOverlayTheirLabelsIncluded(_ name: String) async throws {
        let outcome = try await Self.run(try Self.sample(name), [("text-overlay", "refuse"), ("format", "jpeg")])
        #expect(outcome.error == nil, "\(outcome.error?.message ?? "")")
        #expect(outcome.textOverlay == nil)
    }

    @Test func aStockWatermarkIsRefusedAndNamed() async throws {
        let (photo, _) = try Self.watermarked("© StockPhotos 2024")
        let outcome = try await Self.run(photo, [("text-overlay", "refuse"), ("format", "jpeg")])
        #expect(outcome.error?.code == .textOverlay)
        #expect(outcome.error?.message.contains("over the background") == true)
        #expect(outcome.outputs.isEmpty)
    }

    @Test func flaggingKeepsThePhotoAndSaysWhereTheTextIs() async throws {
        let (photo, at) = try Self.watermarked("www.bestdeals-shop.com")
        let outcome = try await Self.run(photo, [("text-overlay", "flag"), ("format", "jpeg")])
        #expect(outcome.error == nil && outcome.outputs.count == 1)
        let overlay = try #require(outcome.textOverlay)
        #expect(outcome.notes.contains("found \(overlay.summary)"))
        // The line found lies where the text was drawn (photo and working pixels alike: the sample is small).
        let line = try #require(overlay.lines.max { $0.width < $1.width })
        let scale = Double(try VipsImage.decode(photo).width) / Double(outcome.workingSize?.width ?? 1)
        let centreY = Double(line.y + line.height / 2) * scale
        #expect(abs(centreY - Double(at.y + at.height / 2)) < Double(at.height), "line \(line), drawn at \(at)")
        #expect(overlay.letters >= 8)
    }

    @Test func ignoringIsTheDefault() async throws {
        let (photo, _) = try Self.watermarked("© StockPhotos 2024")
        let outcome = try await Self.run(photo, [("format", "jpeg")])
        #expect(outcome.error == nil && outcome.textOverlay == nil)
        #expect(!outcome.timings.contains { $0.step == "text-overlay" })
    }

    @Test func lettersChainIntoRowsAndStrayMarksDoNot() {
        // "HELLO" as five 10×20 boxes 4 px apart, one mark far to the right, one a line below.
        let word = (0..<5).map { PixelRect(x: 10 + 14 * $0, y: 50, width: 10, height: 20) }
        let stray = [PixelRect(x: 300, y: 50, width: 10, height: 20), PixelRect(x: 10, y: 90, width: 10, height: 20)]
        let rows = TextOverlayFinder.rows(of: word + stray).sorted { $0.count > $1.count }
        #expect(rows.first?.count == 5)
        #expect(rows.dropFirst().allSatisfy { $0.count == 1 })
    }
}
