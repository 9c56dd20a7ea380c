import Foundation
import Testing

@testable import LightboxCore

@Suite struct GeneratedImageLabelTests {
    let image: VipsImage

    init() throws {
        image = try VipsImage.solid(PixelSize(width: 64, height: 48), colour: [200, 120, 40]).tagged(.srgb)
    }

    @Test(arguments: OutputFormat.allCases)
    func everyFormatCarriesTheLabelAndStillDecodes(_ format: OutputFormat) throws {
        let labelled = try EncodedImage(encoding: image, as: format, quality: EncodeQuality(),
                                        xmp: GeneratedImageLabel.xmp(model: "gpt-image-1"))
        #expect(GeneratedImageLabel.isLabelled(labelled.data))
        #expect(labelled.data.range(of: Data("Lightbox with gpt-image-1".utf8)) != nil)
        let decoded = try VipsImage.decode(labelled.data)
        #expect(decoded.size == PixelSize(width: 64, height: 48))
        // In the file's XMP, where readers look for it (libvips 8.14 reads none back from AVIF).
        if format != .avif { #expect(decoded.hasField("xmp-data")) }
    }

    @Test(arguments: OutputFormat.allCases)
    func anUnlabelledOutputCarriesNoMetadata(_ format: OutputFormat) throws {
        let plain = try EncodedImage(encoding: image, as: format, quality: EncodeQuality())
        #expect(!GeneratedImageLabel.isLabelled(plain.data))
        #expect(!(try VipsImage.decode(plain.data).hasField("xmp-data")))
    }

    @Test func thePNGChunkChecksumIsTheOneReadersVerify() {
        // The check value of the CRC-32 that PNG uses.
        #expect(PNGContainer.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    @Test func aJPEGKeepsItsLabelInTheStandardXMPSegment() throws {
        let jpeg = try EncodedImage(encoding: image, as: .jpeg, quality: EncodeQuality(),
                                    xmp: GeneratedImageLabel.xmp(model: "m")).data
        #expect(jpeg.range(of: Data("http://ns.adobe.com/xap/1.0/\0".utf8)) != nil)
    }
}
