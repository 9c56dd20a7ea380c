import Foundation
import LightboxCore
import LightboxTestSupport
import Testing

@testable import LightboxIO

@Suite struct OutputStoreTests {
    @Test func writesContentNamedFilesWithMode0644AndNoLeftovers() throws {
        let folder = try Fixtures.scratchFolder()
        let image = EncodedImage(format: .webp, data: Data("pixels".utf8), size: PixelSize(width: 1, height: 1))
        let url = try OutputStore().write(image, into: folder.appendingPathComponent("mug"))
        #expect(url.lastPathComponent == image.fileName)
        #expect(try Data(contentsOf: url) == image.data)
        let mode = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int
        #expect(mode == 0o644)
        #expect(try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path) == [image.fileName])
    }

    @Test func rewritingTheSameContentKeepsOneFile() throws {
        let folder = try Fixtures.scratchFolder()
        let image = EncodedImage(format: .png, data: Data("same".utf8), size: PixelSize(width: 1, height: 1))
        let first = try OutputStore().write(image, into: folder)
        let second = try OutputStore().write(image, into: folder)
        #expect(first == second)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).count == 1)
    }

    @Test func anUnwritableTargetIsAnOutputError() throws {
        let folder = try Fixtures.scratchFolder()
        let blocker = folder.appendingPathComponent("taken")
        try Data("file, not folder".utf8).write(to: blocker)
        #expect(throws: LightboxError.self) {
            try OutputStore().write(Data("x".utf8), to: blocker.appendingPathComponent("out.png"))
        }
        #expect(try Data(contentsOf: blocker) == Data("file, not folder".utf8), "nothing already stored is lost")
    }
}
