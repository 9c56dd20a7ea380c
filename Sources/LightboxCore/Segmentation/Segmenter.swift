import Foundation

/// A model and the backend that runs it: turns a working image into a low-resolution mask.
public struct Segmenter: Sendable {
    public let model: SegmentationModel
    public let backend: any SegmentationBackend

    public init(model: SegmentationModel, backend: any SegmentationBackend) {
        self.model = model
        self.backend = backend
    }

    public func segment(_ image: VipsImage) throws -> SegmentationMask {
        let resized = try modelInput(from: image)
        let input = try tensor(fromModelInput: resized)
        let output = try backend.predict(input, outputIndex: model.outputIndex)
        let rawPeak = Double(output.values.max() ?? 0)
        let values = normalise(output.values)
        let mask = try VipsImage.fromPixels(values, size: output.size, bands: 1, format: .float)
        return SegmentationMask(image: mask, rawPeak: rawPeak, backend: backend.name, seen: resized)
    }

    /// Resizes to the model's input (aspect not kept, as the model was trained) and normalises.
    public func tensor(from image: VipsImage) throws -> ModelTensor {
        try tensor(fromModelInput: modelInput(from: image))
    }

    /// The image at the model's input size, materialised: it is read for its maximum, its
    /// pixels, and later by the matte's object split.
    func modelInput(from image: VipsImage) throws -> VipsImage {
        let lazy = switch model.inputResampling {
        case .bilinear: try image.scaledBilinear(to: model.inputSize)
        case .lanczos: try image.resampled(to: model.inputSize)
        }
        return try lazy.materialized()
    }

    private func tensor(fromModelInput resized: VipsImage) throws -> ModelTensor {
        let peak = model.inputScaling == .byImageMaximum ? max(try resized.maximum(), 1) : 255
        let scale = model.std.map { 1 / (peak * $0) }
        let offset = zip(model.mean, model.std).map { -$0 / $1 }
        let interleaved = try resized.linear(scale, offset).cast(.float).pixels(as: Float.self)
        let plane = model.inputSize.pixelCount
        var planar = [Float](repeating: 0, count: plane * 3)
        for index in 0..<plane {
            planar[index] = interleaved[index * 3]
            planar[plane + index] = interleaved[index * 3 + 1]
            planar[2 * plane + index] = interleaved[index * 3 + 2]
        }
        return ModelTensor(values: planar, channels: 3, size: model.inputSize)
    }

    func normalise(_ values: [Float]) -> [Float] {
        switch model.outputNormalization {
        case .minMax:
            let low = values.min() ?? 0, high = values.max() ?? 1
            let range = max(high - low, 1e-8)
            return values.map { ($0 - low) / range }
        case .sigmoid:
            return values.map { 1 / (1 + exp(-$0)) }
        case .none:
            return values.map { min(max($0, 0), 1) }
        }
    }
}

/// The model's answer: a float mask in 0...1 at the model's resolution.
public struct SegmentationMask: Sendable {
    public let image: VipsImage
    /// The strongest raw response before normalisation; near zero when the model saw nothing.
    public let rawPeak: Double
    public let backend: String
    /// The photo as the model saw it, at its input size; nil for a mask from elsewhere.
    public var seen: VipsImage? = nil
}
