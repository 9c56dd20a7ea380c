import ArgumentParser
import Foundation
import LightboxCore
import LightboxIO
import LightboxService

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
        var configured = parsed.options
        if let watermarkImage { configured.watermark.image = try PipelineArguments.watermark(at: watermarkImage) }
        let options = configured
        let workers = parsed.engine.workers
        guard workers >= 1 else { throw ValidationError("--workers must be at least 1") }
        let processor = try Engine.fileProcessor(for: parsed.engine, generator: parsed.generator)
        let inputs = InputCollector().collect(parsed.paths)
        var names = UniqueNames()
        let jobs = inputs.map { (input: $0, name: names.claim($0)) }
        let (outputFolder, cutoutFolder) = (URL(fileURLWithPath: out), cutouts.map { URL(fileURLWithPath: $0) })
        var failures = 0
        WorkerPool(workers: workers).run(jobs, work: { job in
            processor.process(job.input, name: job.name, options: options, outputFolder: outputFolder,
                              cutoutFolder: cutoutFolder)
        }, deliver: { _, result in
            if !result.succeeded { failures += 1 }
            report(result)
        })
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
    static func fileProcessor(for engine: EngineSettings,
                              generator settings: GeneratorSettings = GeneratorSettings()) throws -> FileProcessor {
        ProcessMemory.returnLargeBuffersToTheSystem()
        try Vips.ensureStarted()
        // Workers already keep every core busy; libvips' own threads would only contend.
        Vips.setConcurrency(max(1, WorkerPool.coreCount / max(1, engine.workers)))
        let segmenter = try ModelStore.locate().segmenter(for: engine, log: Engine.log)
        let generator = GenerativeScenes(settings: settings)
        if let url = settings.baseURL {
            log("scene generator: \(url.host ?? url.absoluteString), model \(settings.model), "
                + "\(settings.dailyImages) images or $\(settings.dailyDollars) a day, cache \(settings.cacheURL().path)")
        }
        return FileProcessor(services: PipelineServices(segmenter: segmenter, generator: generator,
                                                        generatorFallback: settings.fallback),
                             hints: try engine.hints.map(Renderer.hints(at:)))
    }

    /// The services for `serve` and `worker`: the model the engine settings name, loaded once.
    static func services(_ config: ServiceConfig, _ generator: GeneratorSettings) throws -> PipelineServices {
        var engine = config.engine
        engine.workers = max(1, config.workers)
        return try fileProcessor(for: engine, generator: generator).services
    }

    static func log(_ line: String) {
        FileHandle.standardError.write(Data("lightbox: \(line)\n".utf8))
    }
}
