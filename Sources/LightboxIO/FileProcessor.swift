import Foundation
import LightboxCore

/// Runs the pipeline on image files: read, process, write outputs (and the cutout) to disk.
public struct FileProcessor: Sendable {
    public let renderer: Renderer
    let collector = InputCollector()
    let store = OutputStore()

    public init(pipeline: Pipeline = .standard, services: PipelineServices, hints: Renderer.HintLookup? = nil) {
        renderer = Renderer(pipeline: pipeline, services: services, hints: hints)
    }

    public var services: PipelineServices { renderer.services }

    /// Outputs go to `<outputFolder>/<name>.../<hash>.<ext>`, the cutout to `<cutoutFolder>/<name>.png`.
    public func process(_ input: URL, name: String, options: ProcessOptions, outputFolder: URL,
                        cutoutFolder: URL?) -> FileResult {
        var options = options
        options.wantsCutout = cutoutFolder != nil
        options.keepFullResolution = options.keepFullResolution || cutoutFolder != nil
        let folder = outputFolder.appendingPathComponent(name)
        let rendering = renderer.render(read: { try collector.read(input, limit: options.limits.maxInputBytes) },
                                        options: options, write: { try store.write($0, into: folder).path })
        var result = FileResult(input: input, outcome: rendering.outcome,
                                written: rendering.written.map { (image: $0.image, url: URL(fileURLWithPath: $0.location)) },
                                cutout: nil, error: rendering.error)
        // The cutout is written even when QA failed, so that a person can look at it.
        if let cutout = rendering.outcome?.cutout, let cutoutFolder {
            let target = cutoutFolder.appendingPathComponent(name + ".png")
            do {
                try store.write(cutout.data, to: target)
                result.cutout = target
            } catch {
                result.error = result.error ?? Renderer.failure(error, as: .outputFailed)
            }
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
