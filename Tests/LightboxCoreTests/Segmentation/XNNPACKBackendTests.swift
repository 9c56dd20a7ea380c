import Foundation
import LightboxIO
import LightboxTestSupport
import Testing

@testable import LightboxCore

@Suite struct XNNPACKBackendTests {
    static let onnx = try! Data(contentsOf: Fixtures.models.appendingPathComponent("u2netp.onnx"))
    static let model = ModelRegistry.u2netp.model

    @Test(arguments: ["mug-wood.jpg", "lipstick-exif6.jpg", "bottle-exif8.jpg"])
    func matchesOpenCVOnRealImages(_ name: String) throws {
        let xnnpack = try XNNPACKBackend(onnx: Self.onnx, model: Self.model, threads: 1)
        let opencv = try OpenCVBackend(onnx: Self.onnx, threads: 1)
        let segmenter = Segmenter(model: Self.model, backend: xnnpack)
        let context = try TestEngine.context(through: "colour", input: Fixtures.data(name))
        let input = try segmenter.tensor(from: #require(context.image))
        let fast = try xnnpack.predict(input, outputIndex: 0), reference = try opencv.predict(input, outputIndex: 0)
        #expect(fast.size == reference.size)
        let largest = zip(fast.values, reference.values).map { abs($0 - $1) }.max() ?? 1
        #expect(largest <= 1e-3, "largest difference \(largest)")
    }
}

@Suite struct XNNPACKHandMadeGraphTests {
    @Test func everyMappedOperationMatchesOpenCV() throws {
        let onnx = ONNXBuilder.everyMappedOperation()
        let model = SegmentationModel(name: "hand-made", inputSize: PixelSize(width: 15, height: 15))
        let xnnpack = try XNNPACKBackend(onnx: onnx, model: model, threads: 1)
        let opencv = try OpenCVBackend(onnx: onnx, threads: 1)
        let values: [Float] = (0..<(3 * 15 * 15)).map { index in
            let level = Float((index * 7919) % 255)
            return level / 127.5 - 1
        }
        let input = ModelTensor(values: values, channels: 3, size: PixelSize(width: 15, height: 15))
        let fast = try xnnpack.predict(input, outputIndex: 0), reference = try opencv.predict(input, outputIndex: 0)
        #expect(fast.size == reference.size && fast.values.count == 225)
        let largest = zip(fast.values, reference.values).map { abs($0 - $1) }.max() ?? 1
        #expect(largest <= 1e-4, "largest difference \(largest)")
        #expect(Set(fast.values.map { ($0 * 100).rounded() }).count > 10, "the output is not constant")
    }

    @Test func concurrentCallersGetTheirOwnSessions() throws {
        let onnx = try Data(contentsOf: Fixtures.models.appendingPathComponent("u2netp.onnx"))
        let backend = try XNNPACKBackend(onnx: onnx, model: ModelRegistry.u2netp.model, threads: 1)
        let values: [Float] = (0..<(3 * 320 * 320)).map { Float($0 % 97) / 97 }
        let input = ModelTensor(values: values, channels: 3,
                                size: PixelSize(width: 320, height: 320))
        let alone = try backend.predict(input, outputIndex: 0).values
        let results = ConcurrentResults()
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            results.append(try? backend.predict(input, outputIndex: 0).values)
        }
        #expect(results.all.count == 4 && results.all.allSatisfy { $0 == alone }, "byte-identical under concurrency")
    }
}

private final class ConcurrentResults: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [[Float]] = []

    func append(_ value: [Float]?) {
        guard let value else { return }
        lock.withLock { values.append(value) }
    }

    var all: [[Float]] { lock.withLock { values } }
}
