/// A network that maps one NCHW float image to one mask. Implementations may be
/// called from several threads.
public protocol SegmentationBackend: Sendable {
    /// Reported in results and logs, e.g. "opencv".
    var name: String { get }
    func predict(_ input: ModelTensor, outputIndex: Int) throws -> ModelTensor
}

/// A float tensor of shape 1 × channels × height × width.
public struct ModelTensor: Sendable {
    public var values: [Float]
    public var channels: Int
    public var size: PixelSize

    public init(values: [Float], channels: Int, size: PixelSize) {
        precondition(values.count == channels * size.pixelCount)
        self.values = values
        self.channels = channels
        self.size = size
    }
}

public enum BackendPreference: String, Sendable, CaseIterable {
    /// XNNPACK when the model maps onto it, otherwise OpenCV.
    case auto
    case xnnpack
    case opencv
}
