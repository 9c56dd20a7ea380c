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

    @Test func jpegIsBaselineUnlessProgressiveIsAsked() throws {
        let input = try Fixtures.data("bottle-exif8.jpg")
        let startOfFrame = { (data: Data) -> UInt8? in
            // The first SOFn marker: C0 baseline, C2 progressive.
            let bytes = [UInt8](data)
            return (0..<bytes.count - 1).first { bytes[$0] == 0xFF && [0xC0, 0xC1, 0xC2].contains(bytes[$0 + 1]) }
                .map { bytes[$0 + 1] }
        }
        let baseline = try TestEngine.run(input, [("format", "jpeg")]).outputs[0].data
        let progressive = try TestEngine.run(input, [("format", "jpeg"), ("jpeg-progressive", "true")]).outputs[0].data
        #expect(startOfFrame(baseline) == 0xC0)
        #expect(startOfFrame(progressive) == 0xC2)
    }

    @Test func filesAreNamedByTheirContent() throws {
        let image = EncodedImage(format: .jpeg, data: Data("abc".utf8), size: PixelSize(width: 1, height: 1))
        #expect(image.contentHash == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(image.fileName == "ba7816bf8f01cfea414140de5dae2223.jpg")
        #expect(OutputFormat.parseList("JPG, webp,jpeg") == [.jpeg, .webp])
        #expect(OutputFormat.parseList("jpeg,gif") == nil)
    }
}

@Suite struct EncodeChannelsTests {
    @Test func alphaIsTheProductsMatteAloneAndSplitAddsItAsAPNG() throws {
        let input = try Fixtures.data("bottle-exif8.jpg")
        let alpha = try TestEngine.run(input, [("channels", "alpha"), ("format", "png"), ("background", "#336699"),
                                               ("size", "400x400")])
        let matte = try Pixels(decoding: try #require(alpha.outputs.first).data)
        let frame = try #require(alpha.productFrame)
        #expect(matte.bands == 1 && matte[2, 2] == 0, "the background colour does not reach the matte")
        #expect(matte[frame.x + frame.width / 2, frame.y + frame.height / 2] == 255)

        let split = try TestEngine.run(input, [("channels", "split"), ("format", "jpeg"), ("background", "transparent"),
                                               ("size", "400x400")])
        #expect(split.outputs.map(\.format) == [.jpeg, .png], "a JPEG is allowed: it carries no alpha")
        #expect(try Pixels(decoding: split.outputs[1].data).values == matte.values)
    }
}
