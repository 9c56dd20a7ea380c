import Crypto
import Foundation
import LightboxCore

/// Finds model files on disk, checks built-in ones against their checksums, and
/// loads a segmenter once per process. Nothing is ever downloaded here.
public struct ModelStore: Sendable {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    /// `LIGHTBOX_MODELS_DIR`, else `./models`, else `models/` beside the source tree the
    /// binary was built in (`.build/<config>/lightbox`).
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment,
                              executable: URL = URL(fileURLWithPath: CommandLine.arguments[0])) -> ModelStore {
        if let configured = environment["LIGHTBOX_MODELS_DIR"], !configured.isEmpty {
            return ModelStore(directory: URL(fileURLWithPath: configured))
        }
        let candidates = [
            URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("models"),
            executable.resolvingSymlinksInPath().deletingLastPathComponent()
                .appendingPathComponent("../../../models").standardizedFileURL,
        ]
        let found = candidates.first { FileManager.default.fileExists(atPath: $0.path) }
        return ModelStore(directory: found ?? candidates[0])
    }

    /// Loads the model that `options.model` names (a built-in name or a path) on the backend
    /// `options.backend` asks for. `log` hears which backend was chosen, and why.
    public func segmenter(for options: EngineSettings, log: (String) -> Void = { _ in }) throws -> Segmenter {
        let (found, bytes) = try load(options.model)
        let model = found.declared(by: options)
        let backend = try Self.backend(for: model, onnx: bytes, options: options, log: log)
        return Segmenter(model: model, backend: backend)
    }

    static func backend(for model: SegmentationModel, onnx: Data, options: EngineSettings,
                        log: (String) -> Void) throws -> any SegmentationBackend {
        if options.backend == .opencv {
            log("segmentation: \(model.name) on opencv (asked for)")
            return try OpenCVBackend(onnx: onnx, threads: options.threads)
        }
        do {
            let backend = try XNNPACKBackend(onnx: onnx, model: model, threads: options.threads)
            log("segmentation: \(model.name) on xnnpack, \(options.threads) thread(s) per worker")
            return backend
        } catch ONNXError.malformed(let detail) {
            throw LightboxError(.modelUnavailable, "The model could not be read: not a readable ONNX model: \(detail)")
        } catch ONNXError.unsupported(let reason) where options.backend == .auto {
            log("segmentation: \(model.name) on opencv; xnnpack cannot map it: \(reason)")
            return try OpenCVBackend(onnx: onnx, threads: options.threads)
        } catch ONNXError.unsupported(let reason) {
            throw LightboxError(.modelUnavailable, "xnnpack cannot run \(model.name): \(reason)")
        }
    }

    /// Where the model `nameOrPath` is read from.
    public func file(for nameOrPath: String) -> URL {
        ModelRegistry.builtIn(named: nameOrPath).map { directory.appendingPathComponent($0.fileName) }
            ?? URL(fileURLWithPath: nameOrPath)
    }

    func load(_ nameOrPath: String) throws -> (SegmentationModel, Data) {
        if let builtIn = ModelRegistry.builtIn(named: nameOrPath) {
            let url = directory.appendingPathComponent(builtIn.fileName)
            let bytes = try read(url, hint: "run scripts/setup.sh to install it")
            let digest = Insecure.MD5.hash(data: bytes).hex
            guard digest == builtIn.md5 else {
                throw LightboxError(.modelUnavailable, "\(url.path) has md5 \(digest), expected \(builtIn.md5); "
                                    + "run scripts/setup.sh to reinstall it")
            }
            return (builtIn.model, bytes)
        }
        guard nameOrPath.hasSuffix(".onnx") || nameOrPath.contains("/") else {
            let names = ModelRegistry.builtIn.map { $0.model.name }.joined(separator: ", ")
            throw LightboxError.invalidOption("model", expected: "one of \(names) or a path to an .onnx file",
                                              received: nameOrPath)
        }
        let bytes = try read(URL(fileURLWithPath: nameOrPath), hint: "check the path")
        return (ModelRegistry.custom(path: nameOrPath), bytes)
    }

    private func read(_ url: URL, hint: String) throws -> Data {
        guard let bytes = FileBytes.read(url) else {
            throw LightboxError(.modelUnavailable, "No model file at \(url.path); \(hint)")
        }
        return bytes
    }
}
