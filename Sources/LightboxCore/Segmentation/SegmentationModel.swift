import Foundation

/// What a segmentation network expects and returns. One value per model; the
/// built-in ones are looked up by name, any other ONNX file is described by the user.
public struct SegmentationModel: Sendable, Equatable {
    public enum InputScaling: String, Sendable {
        /// Divide by the image's brightest value (how U²-Net was trained).
        case byImageMaximum
        /// Divide by 255.
        case unit
    }

    /// How the photo is brought down to the input size. A model sees its inputs best
    /// resampled the way its training images were.
    public enum InputResampling: String, Sendable {
        /// Bilinear sampling without prefiltering (scikit-image 0.14's resize, U²-Net's own).
        case bilinear
        /// Antialiased Lanczos-3.
        case lanczos
    }

    public enum OutputNormalization: String, Sendable, CaseIterable {
        /// Stretch the output to 0...1 (U²-Net's saliency maps).
        case minMax = "min-max"
        /// Apply a logistic to raw logits.
        case sigmoid
        /// Use as is, clamped to 0...1.
        case none
    }

    public var name: String
    public var inputSize: PixelSize
    public var mean: [Double]
    public var std: [Double]
    public var inputScaling: InputScaling
    public var inputResampling: InputResampling
    public var outputIndex: Int
    public var outputNormalization: OutputNormalization

    public init(name: String, inputSize: PixelSize, mean: [Double] = imageNetMean, std: [Double] = imageNetStd,
                inputScaling: InputScaling = .byImageMaximum, inputResampling: InputResampling = .bilinear,
                outputIndex: Int = 0,
                outputNormalization: OutputNormalization = .minMax) {
        self.name = name
        self.inputSize = inputSize
        self.mean = mean
        self.std = std
        self.inputScaling = inputScaling
        self.inputResampling = inputResampling
        self.outputIndex = outputIndex
        self.outputNormalization = outputNormalization
    }

    public static let imageNetMean = [0.485, 0.456, 0.406]
    public static let imageNetStd = [0.229, 0.224, 0.225]
}

/// A model that ships with set-up: its file name in the models folder and checksum.
public struct BuiltInModel: Sendable {
    public let model: SegmentationModel
    public let fileName: String
    public let md5: String
}

public enum ModelRegistry {
    public static let u2netp = BuiltInModel(
        model: SegmentationModel(name: "u2netp", inputSize: PixelSize(width: 320, height: 320)),
        fileName: "u2netp.onnx", md5: "8e83ca70e441ab06c318d82300c84806")

    public static let builtIn: [BuiltInModel] = [u2netp]

    public static func builtIn(named name: String) -> BuiltInModel? {
        builtIn.first { $0.model.name == name }
    }

    /// A model given by path: named after its file, with U²-Net's conventions until
    /// `declared` says otherwise.
    public static func custom(path: String) -> SegmentationModel {
        var model = u2netp.model
        model.name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return model
    }
}

extension SegmentationModel {
    /// This model with what the options declare about it.
    public func declared(by options: EngineSettings) -> SegmentationModel {
        var model = self
        if let size = options.modelInputSize { model.inputSize = size }
        if let mean = options.modelMean { model.mean = mean }
        if let std = options.modelStd { model.std = std }
        if let output = options.modelOutput { model.outputNormalization = output }
        return model
    }
}
