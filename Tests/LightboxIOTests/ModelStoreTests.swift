import Foundation
import LightboxCore
import LightboxTestSupport
import Testing

@testable import LightboxIO

@Suite struct ModelStoreTests {
    @Test func builtInModelIsVerifiedByChecksum() throws {
        let (model, bytes) = try ModelStore(directory: Fixtures.models).load("u2netp")
        #expect(model.name == "u2netp" && model.inputSize == PixelSize(width: 320, height: 320))
        #expect(bytes.count == 4_574_861)
    }

    @Test func aCorruptedModelFileIsRefused() throws {
        let folder = try Fixtures.scratchFolder()
        var bytes = try Data(contentsOf: Fixtures.models.appendingPathComponent("u2netp.onnx"))
        bytes[1000] ^= 0xFF
        try bytes.write(to: folder.appendingPathComponent("u2netp.onnx"))
        do {
            _ = try ModelStore(directory: folder).load("u2netp")
            Issue.record("a corrupted model loaded")
        } catch let error as LightboxError {
            #expect(error.code == .modelUnavailable)
            #expect(error.message.contains("md5"))
        }
    }

    @Test func aMissingModelSaysHowToInstallIt() throws {
        do {
            _ = try ModelStore(directory: Fixtures.scratchFolder()).load("u2netp")
            Issue.record("a missing model loaded")
        } catch let error as LightboxError {
            #expect(error.code == .modelUnavailable)
            #expect(error.message.contains("scripts/setup.sh"))
        }
    }

    @Test func anyOnnxFileWorksByPath() throws {
        let folder = try Fixtures.scratchFolder()
        let path = folder.appendingPathComponent("my-salient.onnx")
        try FileManager.default.copyItem(at: Fixtures.models.appendingPathComponent("u2netp.onnx"), to: path)
        var options = ProcessOptions()
        options.model = path.path
        options = try ProcessOptions.resolve([("model-input-size", "320x320"), ("model-mean", "0.5,0.5,0.5"),
                                              ("model-std", "0.25,0.25,0.25"), ("model-output", "none")], over: options)
        let segmenter = try ModelStore(directory: folder).segmenter(for: options)
        #expect(segmenter.model.name == "my-salient")
        #expect(segmenter.model.mean == [0.5, 0.5, 0.5] && segmenter.model.outputNormalization == SegmentationModel.OutputNormalization.none)
        let mask = try segmenter.segment(VipsImage.decode(Fixtures.data("mug-wood.jpg")))
        #expect(mask.image.size == PixelSize(width: 320, height: 320))
        #expect(mask.rawPeak > 0.5)
    }

    @Test func unknownNamesAndBrokenFilesAreClearErrors() throws {
        #expect(throws: LightboxError.self) { try ModelStore(directory: Fixtures.models).load("u3net") }
        let broken = try Fixtures.scratchFolder().appendingPathComponent("broken.onnx")
        try Data("not protobuf".utf8).write(to: broken)
        var options = ProcessOptions()
        options.model = broken.path
        do {
            _ = try ModelStore(directory: Fixtures.models).segmenter(for: options)
            Issue.record("a broken model loaded")
        } catch let error as LightboxError {
            #expect(error.code == .modelUnavailable)
        }
    }
}
