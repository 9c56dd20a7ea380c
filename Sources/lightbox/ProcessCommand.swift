import ArgumentParser
import Foundation
import LightboxCore
import LightboxIO

struct ProcessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "process",
        abstract: "Process image files or folders into studio shots.",
        usage: "lightbox process INPUT... --out DIR [--cutouts DIR] [--json] [pipeline options]",
        discussion: PipelineArguments.help
    )

    @Option(help: "Folder for the results: <DIR>/<input name>/<content hash>.<ext>")
    var out: String

    @Option(help: "Also write each RGBA cutout, at the input's full resolution, as <DIR>/<input name>.png")
    var cutouts: String?

    @Option(name: .customLong("watermark-image"), help: "Image file to stamp as the watermark")
    var watermarkImage: String?

    @Flag(help: "Print one JSON object per image")
    var json = false

    @Argument(parsing: .allUnrecognized, help: "Input files or folders, and pipeline options")
    var arguments: [String] = []

    func run() throws {
        let parsed = try PipelineArguments(arguments)
        guard !parsed.paths.isEmpty else { throw ValidationError("Name at least one input file or folder.") }
        var options = parsed.options
        if let watermarkImage {
            guard let bytes = FileManager.default.contents(atPath: watermarkImage) else {
                throw LightboxError(.invalidOption, "Cannot read the watermark image \(watermarkImage)")
            }
            options.watermark.image = bytes
        }
        let processor = try Engine.fileProcessor(for: options)
        let inputs = InputCollector().collect(parsed.paths)
        var names = UniqueNames()
        var failures = 0
        for input in inputs {
            let result = processor.process(input, name: names.claim(input), options: options,
                                           outputFolder: URL(fileURLWithPath: out),
                                           cutoutFolder: cutouts.map { URL(fileURLWithPath: $0) })
            if !result.succeeded { failures += 1 }
            report(result)
        }
        if inputs.isEmpty { FileHandle.standardError.write(Data("no images found\n".utf8)) }
        if failures > 0 || inputs.isEmpty { throw ExitCode(1) }
    }

    private func report(_ result: FileResult) {
        if json {
            print(ImageReport(result).jsonLine())
            return
        }
        if let error = result.error {
            FileHandle.standardError.write(Data("failed \(result.input.path): \(error)\n".utf8))
        }
        for path in result.written.map(\.url.path) + [result.cutout?.path].compactMap({ $0 }) {
            print(path)
        }
    }
}

/// Output names from input file names, made unique within one run.
struct UniqueNames {
    private var used: [String: Int] = [:]

    mutating func claim(_ input: URL) -> String {
        let stem = input.deletingPathExtension().lastPathComponent
        let count = used[stem, default: 0]
        used[stem] = count + 1
        return count == 0 ? stem : "\(stem)-\(count + 1)"
    }
}

/// The process-wide pieces, built once: libvips, the model.
enum Engine {
    static func fileProcessor(for options: ProcessOptions) throws -> FileProcessor {
        try Vips.ensureStarted()
        let segmenter = try ModelStore.locate().segmenter(for: options)
        return FileProcessor(services: PipelineServices(segmenter: segmenter))
    }
}
