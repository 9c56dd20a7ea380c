import CSegnet
import Foundation

/// Runs any ONNX model through OpenCV's DNN module. The network is parsed once;
/// OpenCV serialises calls to it.
public final class OpenCVBackend: SegmentationBackend, @unchecked Sendable {
    // The C++ side guards the network with a mutex.
    private let net: OpaquePointer
    public let name = "opencv"

    public init(onnx: Data, threads: Int) throws {
        lb_segnet_set_threads(Int32(threads))
        var error: UnsafeMutablePointer<CChar>?
        let loaded = onnx.withUnsafeBytes { lb_segnet_load($0.baseAddress, $0.count, &error) }
        guard let loaded else {
            throw LightboxError(.modelUnavailable, "The model could not be read: \(Self.take(error))")
        }
        net = loaded
    }

    deinit { lb_segnet_free(net) }

    public func predict(_ input: ModelTensor, outputIndex: Int) throws -> ModelTensor {
        var output = [Float](repeating: 0, count: input.size.pixelCount * 4)
        var height: Int32 = 0, width: Int32 = 0
        var error: UnsafeMutablePointer<CChar>?
        let status = input.values.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                lb_segnet_predict(net, source.baseAddress, Int32(input.channels), Int32(input.size.height),
                                  Int32(input.size.width), Int32(outputIndex), target.baseAddress, target.count,
                                  &height, &width, &error)
            }
        }
        guard status == 0 else { throw LightboxError(.modelFailed, "The model failed: \(Self.take(error))") }
        let size = PixelSize(width: Int(width), height: Int(height))
        return ModelTensor(values: Array(output.prefix(size.pixelCount)), channels: 1, size: size)
    }

    private static func take(_ error: UnsafeMutablePointer<CChar>?) -> String {
        guard let error else { return "unknown error" }
        defer { lb_segnet_free_error(error) }
        return String(cString: error)
    }
}
