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
        let options = try EngineSettings.resolve(flags: [("model", path.path), ("model-input-size", "320x320"),
                                                         ("model-mean", "0.5,0.5,0.5"), ("model-std", "0.25,0.25,0.25"),
                                                         ("model-output", "none")], environment: [:])
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
        var options = EngineSettings()
        options.model = broken.path
        do {
            _ = try ModelStore(directory: Fixtures.models).segmenter(for: options)
            Issue.record("a broken model loaded")
        } catch let error as LightboxError {
            #expect(error.code == .modelUnavailable)
        }
    }
}

@Suite struct BackendChoiceTests {
    private func segmenter(_ onnx: Data, backend: BackendPreference) throws -> (Segmenter, [String]) {
        let folder = try Fixtures.scratchFolder()
        let path = folder.appendingPathComponent("hand-made.onnx")
        try onnx.write(to: path)
        var options = try EngineSettings.resolve(flags: [("model", path.path), ("model-input-size", "15x15"),
                                                         ("backend", backend.rawValue)], environment: [:])
        options.modelOutput = SegmentationModel.OutputNormalization.none
        var log: [String] = []
        let segmenter = try ModelStore(directory: folder).segmenter(for: options) { log.append($0) }
        return (segmenter, log)
    }

    @Test func mappableModelsRunOnXNNPACK() throws {
        let (segmenter, log) = try segmenter(ONNXBuilder.everyMappedOperation(), backend: .auto)
        #expect(segmenter.backend.name == "xnnpack")
        #expect(log == ["segmentation: hand-made on xnnpack, 1 thread(s) per worker"])
    }

    @Test func anUnmappedOperationFallsBackToOpenCVWithAReason() throws {
        let (segmenter, log) = try segmenter(ONNXBuilder.everyMappedOperation(extra: "LeakyRelu"), backend: .auto)
        #expect(segmenter.backend.name == "opencv")
        #expect(log == ["segmentation: hand-made on opencv; xnnpack cannot map it: operation LeakyRelu"])
    }

    @Test func forcingABackendIsHonoured() throws {
        #expect(try segmenter(ONNXBuilder.everyMappedOperation(), backend: .opencv).0.backend.name == "opencv")
        do {
            _ = try segmenter(ONNXBuilder.everyMappedOperation(extra: "LeakyRelu"), backend: .xnnpack)
            Issue.record("xnnpack accepted an unmapped model")
        } catch let error as LightboxError {
            #expect(error.code == .modelUnavailable && error.message.contains("LeakyRelu"))
        }
    }

    @Test func aCorruptModelIsAClearError() throws {
        let truncated = try Data(contentsOf: Fixtures.models.appendingPathComponent("u2netp.onnx")).prefix(100_000)
        do {
            _ = try segmenter(truncated, backend: .auto)
            Issue.record("a truncated model loaded")
        } catch let error as LightboxError {
            #expect(error.code == .modelUnavailable)
            #expect(error.message.contains("not a readable ONNX model"))
        }
    }
}
