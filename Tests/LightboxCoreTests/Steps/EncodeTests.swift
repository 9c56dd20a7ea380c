import Foundation
import LightboxTestSupport
import Testing

@testable import LightboxCore

@Suite struct EncodeTests {
    private static let allFormats = [("format", "jpeg,webp,avif,png")]

    @Test func everyFormatDecodesBackAtCanvasSizeWithoutMetadata() throws {
        // The EXIF-6 input carries an EXIF block: none of it may reach the outputs.
        let outcome = try TestEngine.run(Fixtures.data("lipstick-exif6.jpg"), Self.allFormats + [("size", "1200x900")])
        #expect(outcome.outputs.map(\.format) == [.jpeg, .webp, .avif, .png])
        for output in outcome.outputs {
            let decoded = try VipsImage.decode(output.data)
            #expect(decoded.size == PixelSize(width: 1200, height: 900), "\(output.format)")
            for field in ["exif-data", "xmp-data", "iptc-data", "icc-profile-data"] {
                #expect(!decoded.hasField(field), "\(output.format) carries \(field)")
            }
            for marker in ["Exif\0\0", "http://ns.adobe.com/xap", "EXIF", "XMP "] {
                #expect(output.data.range(of: Data(marker.utf8)) == nil, "\(output.format) contains \(marker)")
            }
        }
    }

    @Test func sameInputAndOptionsGiveIdenticalBytes() throws {
        let input = try Fixtures.data("bottle-exif8.jpg")
        let first = try TestEngine.run(input, Self.allFormats + [("watermark", "shop")])
        let second = try TestEngine.run(input, Self.allFormats + [("watermark", "shop")])
        #expect(first.outputs.count == 4)
        #expect(first.outputs.map(\.data) == second.outputs.map(\.data))
    }

    @Test func filesAreNamedByTheirContent() throws {
        let image = EncodedImage(format: .jpeg, data: Data("abc".utf8), size: PixelSize(width: 1, height: 1))
        #expect(image.contentHash == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(image.fileName == "ba7816bf8f01cfea414140de5dae2223.jpg")
        #expect(OutputFormat.parseList("JPG, webp,jpeg") == [.jpeg, .webp])
        #expect(OutputFormat.parseList("jpeg,gif") == nil)
    }
}
