import Foundation
import LightboxCore

/// Runs the pipeline on image files: read, process, write outputs (and the cutout) to disk.
public struct FileProcessor: Sendable {
    public let pipeline: Pipeline
    public let services: PipelineServices
    let collector = InputCollector()
    let store = OutputStore()

    public init(pipeline: Pipeline = .standard, services: PipelineServices) {
        self.pipeline = pipeline
        self.services = services
    }

    /// Outputs go to `<outputFolder>/<name>.../<hash>.<ext>`, the cutout to `<cutoutFolder>/<name>.png`.
    public func process(_ input: URL, name: String, options: ProcessOptions, outputFolder: URL,
                        cutoutFolder: URL?) -> FileResult {
        let bytes: Data
        do {
            bytes = try collector.read(input, limit: options.limits.maxInputBytes)
        } catch {
            return FileResult(input: input, outcome: nil, written: [], cutout: nil, error: error as? LightboxError)
        }
        var options = options
        options.wantsCutout = cutoutFolder != nil
        options.keepFullResolution = options.keepFullResolution || cutoutFolder != nil
        let outcome = pipeline.run(bytes, options: options, services: services)
        var result = FileResult(input: input, outcome: outcome, written: [], cutout: nil, error: outcome.error)
        do {
            if let cutout = outcome.cutout, let cutoutFolder {
                let target = cutoutFolder.appendingPathComponent(name + ".png")
                try store.write(cutout.data, to: target)
                result.cutout = target
            }
            let folder = outputFolder.appendingPathComponent(name)
            result.written = try outcome.outputs.map { (image: $0, url: try store.write($0, into: folder)) }
        } catch {
            result.error = error as? LightboxError ?? LightboxError(.outputFailed, "\(error)")
        }
        return result
    }
}

public struct FileResult: Sendable {
    public let input: URL
    /// Nil when the input could not be read.
    public let outcome: PipelineOutcome?
    public var written: [(image: EncodedImage, url: URL)]
    public var cutout: URL?
    public var error: LightboxError?

    public var succeeded: Bool { error == nil }
}
