import Foundation
import Testing

@testable import LightboxCore

/// What a client reads and what only the log does.
@Suite struct LightboxErrorTests {
    struct Foreign: Error, CustomStringConvertible {
        var description: String { "SQLITE_IOERR: disk I/O error on /var/lib/lightbox/lightbox.sqlite" }
    }

    @Test func aForeignErrorIsPublicByCodeAndItsTextIsOnlyTheDetail() {
        let error = LightboxError.from(Foreign(), as: .outputFailed)
        #expect(error.code == .outputFailed && error.message == "The result could not be stored")
        #expect(error.detail?.contains("/var/lib/lightbox") == true && !error.message.contains("/var"))
        #expect(error.description.contains("disk I/O error"), "the log and the CLI see the cause")
        let ours = LightboxError(.qaFailed, "No product found")
        #expect(LightboxError.from(ours, as: .internal) == ours, "our own errors pass as they are")
    }

    @Test func aFailedImageOperationKeepsLibvipsTextOutOfTheMessage() throws {
        // Cropping outside the image fails inside libvips.
        let image = try VipsImage.solid(PixelSize(width: 8, height: 8), colour: [0, 0, 0])
        do {
            _ = try image.cropped(to: PixelRect(x: 20, y: 20, width: 4, height: 4))
            Issue.record("the crop succeeded")
        } catch let error as LightboxError {
            #expect(error.code == .internal && error.message == "Internal error")
            #expect(error.detail?.hasPrefix("libvips: ") == true, "\(error)")
        }
    }
}
