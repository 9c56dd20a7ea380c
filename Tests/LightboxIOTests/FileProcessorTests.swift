import Foundation
import LightboxCore
import LightboxTestSupport
import Testing

@testable import LightboxIO

@Suite struct FileProcessorTests {
    private let processor = FileProcessor(services: TestEngine.services)

    @Test func writesOutputsAndTheCutout() throws {
        let folder = try Fixtures.scratchFolder()
        let result = processor.process(Fixtures.url("mug-wood.jpg"), name: "mug", options: ProcessOptions(),
                                       outputFolder: folder.appendingPathComponent("out"),
                                       cutoutFolder: folder.appendingPathComponent("cutouts"))
        #expect(result.succeeded)
        #expect(result.written.map { $0.url.pathExtension } == ["jpg", "webp"])
        #expect(result.written.allSatisfy { $0.url.deletingLastPathComponent().lastPathComponent == "mug" })
        let cutout = try #require(result.cutout)
        #expect(cutout.lastPathComponent == "mug.png")
        #expect(try Pixels(decoding: Data(contentsOf: cutout)).width == 600)
    }

    @Test func aFailedImageLeavesNoOutputs() throws {
        let folder = try Fixtures.scratchFolder()
        let result = processor.process(Fixtures.url("flat-wall.jpg"), name: "wall", options: ProcessOptions(),
                                       outputFolder: folder.appendingPathComponent("out"), cutoutFolder: nil)
        #expect(result.error?.code == .qaFailed)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
    }
}
