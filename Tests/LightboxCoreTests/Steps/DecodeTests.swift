import Foundation
import LightboxTestSupport
import Testing

@testable import LightboxCore

@Suite struct DecodeTests {
    private func decode(_ data: Data, configure: (inout ProcessOptions) -> Void = { _ in }) throws -> PipelineContext {
        try TestEngine.context(through: "decode", input: data, configure: configure)
    }

    private func failure(_ data: Data, configure: (inout ProcessOptions) -> Void = { _ in }) -> LightboxError? {
        do {
            _ = try decode(data, configure: configure)
            return nil
        } catch {
            return error as? LightboxError
        }
    }

    @Test func typeComesFromTheBytes() throws {
        #expect(ImageFormat.sniff(try Fixtures.data("mug-wood.jpg")) == .jpeg)
        #expect(ImageFormat.sniff(try Fixtures.data("patch-display-p3.png")) == .png)
        let image = try VipsImage.decode(Fixtures.data("mug-wood.jpg"))
        #expect(ImageFormat.sniff(try image.encoded(as: .webp)) == .webp)
        #expect(ImageFormat.sniff(try image.encoded(as: .avif)) == .heif)
        #expect(ImageFormat.sniff(Data([0x49, 0x49, 0x2A, 0x00, 8, 0, 0, 0])) == .tiff)
        #expect(ImageFormat.sniff(Data("hello, this is text".utf8)) == nil)
    }

    @Test func decodesEveryFormatFromBytes() throws {
        let original = try VipsImage.decode(Fixtures.data("mug-wood.jpg"))
        for format in [OutputFormat.png, .webp, .avif, .jpeg] {
            let context = try decode(original.encoded(as: format))
            #expect(context.image?.size == original.size, "\(format)")
        }
    }

    @Test func emptyInputIsRefused() {
        let error = failure(Data())
        #expect(error?.code == .emptyInput)
        #expect(error?.message.contains("0 bytes") == true)
    }

    @Test func inputOverTheByteLimitIsRefused() throws {
        let error = failure(try Fixtures.data("mug-wood.jpg")) { $0.limits.maxInputBytes = 10_000 }
        #expect(error?.code == .inputTooLarge)
        #expect(error?.httpStatus == 413)
    }

    @Test func textWithAnImageNameIsRefused() throws {
        let error = failure(Data("name,price\nmug,12\n".utf8))
        #expect(error?.code == .unsupportedFormat)
        #expect(error?.httpStatus == 415)
    }

    @Test func truncatedJpegIsRefused() throws {
        let whole = try Fixtures.data("mug-wood.jpg")
        let error = failure(whole.prefix(whole.count / 2))
        #expect(error?.code == .truncatedImage)
        #expect(error?.message.contains("truncated") == true)
    }

    /// libvips' error text is shared by every thread: the codes must come from each file's own
    /// bytes. Truncated JPEG, PNG and WebP files and corrupt ones, decoded on four threads at once.
    @Test func truncatedAndCorruptAreToldApartOnFourThreadsAtOnce() async throws {
        let jpeg = try Fixtures.data("mug-wood.jpg"), png = try Fixtures.data("mug-wood-alpha.png")
        let webp = try VipsImage.decode(jpeg).encoded(as: .webp)
        var corruptWebP = webp
        corruptWebP.replaceSubrange(40..<200, with: Data(repeating: 0x5A, count: 160))
        let cases: [(Data, LightboxError.Code)] = [
            (jpeg.prefix(jpeg.count * 6 / 10), .truncatedImage), (png.prefix(png.count / 2), .truncatedImage),
            (webp.prefix(webp.count / 2), .truncatedImage),
            (CraftedFiles.pngHeader(width: 64, height: 64), .corruptImage), (corruptWebP, .corruptImage),
        ]
        let inputs = (0..<40).map { cases[$0 % cases.count] }
        let files = inputs.map(\.0)
        // Four threads of their own, not Swift's cooperative ones.
        let seen: [Int: LightboxError] = try await withThrowingTaskGroup(of: [Int: LightboxError].self) { group in
            for worker in 0..<4 {
                group.addTask {
                    try await onThread {
                        var found: [Int: LightboxError] = [:]
                        for index in stride(from: worker, to: files.count, by: 4) {
                            do {
                                _ = try TestEngine.context(through: "decode", input: files[index])
                            } catch let error as LightboxError {
                                found[index] = error
                            }
                        }
                        return found
                    }
                }
            }
            return try await group.reduce(into: [:]) { $0.merge($1) { first, _ in first } }
        }
        for (index, (_, code)) in inputs.enumerated() {
            let error = seen[index]
            #expect(error?.code == code, "input \(index): \(String(describing: error))")
            #expect(error?.message.contains("ibvips") == false && error?.message.contains("Vips") == false,
                    "the library's text stays in the detail: \(error?.message ?? "")")
        }
    }

    @Test func hugePixelCountIsRefusedFromTheHeaderAlone() {
        // No pixel data follows the header: had decoding started, this would be a corrupt-image error.
        let error = failure(CraftedFiles.pngHeader(width: 30_000, height: 30_000))
        #expect(error?.code == .imageTooLarge)
        #expect(error?.message.contains("30000x30000") == true)
        #expect(error?.httpStatus == 422)
    }

    @Test func pixelLimitIsConfigurable() throws {
        let error = failure(try Fixtures.data("mug-wood.jpg")) { $0.limits.maxPixels = 100_000 }
        #expect(error?.code == .imageTooLarge)
    }

    @Test func shrinkFactorKeepsTheWorkingResolution() {
        let target = Decode.workingLongSide(for: PixelSize(width: 1500, height: 1500))
        #expect(target == 3000)
        func factor(_ long: Int, _ format: ImageFormat = .jpeg, _ target: Int? = 3000) -> Int {
            Decode.shrinkFactor(for: PixelSize(width: long, height: long * 3 / 4), format: format, target: target)
        }
        #expect(factor(4032) == 1)
        #expect(factor(6000) == 2)
        #expect(factor(13_000) == 4)
        #expect(factor(13_000, .png) == 1)
        #expect(factor(13_000, .jpeg, nil) == 1)
    }

    @Test func largeJpegShrinksOnLoadUnlessFullResolutionIsWanted() throws {
        let photo = try VipsImage.decode(Fixtures.data("mug-wood.jpg"))
        let large = try photo.resampled(to: PixelSize(width: 4800, height: 6400)).encoded(as: .jpeg)
        #expect(try decode(large).image?.size == PixelSize(width: 2400, height: 3200))
        #expect(try decode(large) { $0.keepFullResolution = true }.image?.size == PixelSize(width: 4800, height: 6400))
    }
}
