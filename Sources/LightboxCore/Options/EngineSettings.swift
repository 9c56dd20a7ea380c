import Foundation

/// What a process sets once, for every image it runs: the segmentation model and how it
/// runs, the decode limits, and how many workers. Declared once below and read by
/// `process`, `batch`, `bench`, `serve` and `worker` alike, from a config file's keys,
/// `LIGHTBOX_<NAME>` in the environment and flags, in that order (later wins).
public struct EngineSettings: Sendable {
    public var model = Spec.model.defaultValue
    public var modelInputSize = Spec.modelInputSize.defaultValue
    public var modelMean = Spec.modelMean.defaultValue
    public var modelStd = Spec.modelStd.defaultValue
    public var modelOutput = Spec.modelOutput.defaultValue
    public var threads = Spec.threads.defaultValue
    public var backend = Spec.backend.defaultValue
    public var limits = DecodeLimits()
    /// Images processed at once, each worker with its own inference session.
    public var workers = Spec.workers.defaultValue
    /// A service's folder (its --data or --blobs) whose stored fixes apply here too.
    public var hints = Spec.hints.defaultValue

    public init() {}

    public enum Spec {
        public static let model = OptionSpec<String>(name: "model", expected: "a model name or a path to an .onnx file",
            default: "u2netp", help: "Segmentation model", describe: { $0 }) { $0.isEmpty ? nil : $0 }
        public static let modelInputSize = OptionSpec<PixelSize?>(name: "model-input-size",
            expected: "WIDTHxHEIGHT between 32x32 and 2048x2048", default: nil,
            help: "Input size of a model given by path", describe: { $0?.description ?? "the model's own" }) {
            PixelSize(parsing: $0, in: 32...2048)
        }
        public static let modelMean = OptionSpec<[Double]?>.triple("model-mean",
            help: "Per-channel mean subtracted from 0...1 inputs, for a model given by path")
        public static let modelStd = OptionSpec<[Double]?>.triple("model-std",
            help: "Per-channel standard deviation inputs are divided by, for a model given by path")
        public static let modelOutput = OptionSpec<SegmentationModel.OutputNormalization?>.optionalChoice(
            "model-output", unset: "the model's own", help: "How a model's raw output becomes a 0...1 mask")
        public static let threads = OptionSpec.integer("threads", 1...64, default: 1,
            help: "Inference threads per worker: one per worker is fastest when every core has a worker")
        public static let backend = OptionSpec.choice("backend", default: BackendPreference.auto,
            help: "Inference engine: xnnpack when it can map the model (auto), or force one")
        public static let maxInputMB = OptionSpec.integer("max-input-mb", 1...2000, default: 50,
            help: "Refuse inputs larger than this many megabytes")
        public static let maxMegapixels = OptionSpec.integer("max-megapixels", 1...1000, default: 50,
            help: "Refuse images with more pixels than this, read from the header before decoding")
        public static let hints = OptionSpec<String?>(name: "hints", expected: "a folder or s3:// URL", default: nil,
            help: "A service's --data folder or --blobs location: the fixes made in its review queue apply to the same photos here",
            describe: { $0 ?? "none" }) { $0.isEmpty ? nil : .some($0) }
        public static let workers = OptionSpec<Int>(name: "workers", expected: "integer between 0 and 64",
            default: ProcessInfo.processInfo.activeProcessorCount,
            help: "Workers, each with its own single-threaded inference session (serve: 0 is the API only)",
            describe: { $0 == ProcessInfo.processInfo.activeProcessorCount ? "the core count" : String($0) }) {
            Int($0).flatMap { (0...64).contains($0) ? $0 : nil }
        }
    }

    public static let catalog = OptionCatalog<EngineSettings>([
        OptionBinding(Spec.model, scope: .process, \.model),
        OptionBinding(Spec.modelInputSize, scope: .process, \.modelInputSize),
        OptionBinding(Spec.modelMean, scope: .process, \.modelMean),
        OptionBinding(Spec.modelStd, scope: .process, \.modelStd),
        OptionBinding(Spec.modelOutput, scope: .process, \.modelOutput),
        OptionBinding(Spec.threads, scope: .process, \.threads),
        OptionBinding(Spec.backend, scope: .process, \.backend),
        OptionBinding(Spec.maxInputMB, scope: .process, \.limits.maxInputMegabytes),
        OptionBinding(Spec.maxMegapixels, scope: .process, \.limits.maxMegapixels),
        OptionBinding(Spec.workers, scope: .process, \.workers),
        OptionBinding(Spec.hints, scope: .process, \.hints),
    ])

    /// `file` pairs (a config file's keys), then `LIGHTBOX_<NAME>` from `environment`, then `flags`.
    public static func resolve(file: [(name: String, value: String)] = [], flags: [(name: String, value: String)],
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Self {
        try catalog.resolve(file + catalog.values(in: environment) + flags, over: EngineSettings())
    }

    /// What of the engine changes pixels (the model and how its input and output are read),
    /// for fingerprints of rendered images; threads, limits and workers do not.
    public var renderingText: String {
        ["model", "model-input-size", "model-mean", "model-std", "model-output"]
            .compactMap { Self.catalog.binding(named: $0) }
            .map { "\($0.name)=\($0.canonicalValue(of: self))" }.joined(separator: "\n")
    }

    /// `options` with this engine's decode limits.
    public func applied(to options: ProcessOptions) -> ProcessOptions {
        var options = options
        options.limits = limits
        return options
    }
}
