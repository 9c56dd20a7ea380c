import ArgumentParser
import Foundation
import LightboxCore
import LightboxIO

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the pipeline over a folder of images (use a release build).",
        usage: "lightbox bench DIR [--runs N] [--workers N] [--json] [--compare [--repeat N]] [pipeline options]",
        discussion: """
            Prints per-stage median milliseconds, images/hour and peak RSS. With --compare, it also runs \
            the references (scripts/bench-setup.sh installs them), interleaved, --repeat times: XNNPACK \
            against onnxruntime on one thread on the same input tensors, and Lightbox end to end against \
            the rembg + Pillow recipe, each end-to-end run in its own process.

            """ + PipelineArguments.help
    )

    @Option(help: "How many times to process the whole folder")
    var runs = 1

    @Flag(help: "Print the figures as one JSON object")
    var json = false

    @Flag(help: "Also measure the references and print ratios")
    var compare = false

    @Option(help: "With --compare: interleaved repetitions")
    var `repeat` = 3

    @Argument(parsing: .allUnrecognized, help: "Folder of images, and pipeline options")
    var arguments: [String] = []

    func run() throws {
        let parsed = try PipelineArguments(arguments)
        let inputs = InputCollector().collect(parsed.paths)
        guard !inputs.isEmpty else { throw ValidationError("No images found in \(parsed.paths.joined(separator: " ")).") }
        if compare {
            try Comparison(folder: parsed.paths[0], inputs: inputs, options: parsed.options, engine: parsed.engine,
                           repetitions: self.repeat, pipelineArguments: arguments).run()
            return
        }
        let figures = try Throughput.measure(inputs, options: parsed.options, engine: parsed.engine, runs: runs)
        if json {
            print(figures.jsonLine())
        } else {
            print(figures.report())
        }
    }
}

/// One end-to-end measurement of this process: in-memory (nothing written), after a warm-up.
struct Throughput: Codable {
    var images: Int
    var failures: Int
    var backend: String
    var workers: Int
    var medianMilliseconds: [String: Double]
    var meanMilliseconds: [String: Double]
    var stageOrder: [String]
    var imagesPerHour: Double
    var peakRssMb: Int

    static func measure(_ inputs: [URL], options: ProcessOptions, engine: EngineSettings, runs: Int) throws -> Throughput {
        let workers = engine.workers
        guard workers >= 1 else { throw ValidationError("--workers must be at least 1") }
        let processor = try Engine.fileProcessor(for: engine)
        let pipeline = processor.renderer.pipeline, services = processor.services
        // Each worker reads its file, as `process` does and as the reference script does.
        let limit = options.limits.maxInputBytes
        let processFile: @Sendable (URL) -> PipelineOutcome? = { file in
            guard let bytes = try? InputCollector().read(file, limit: limit) else { return nil }
            return pipeline.run(bytes, options: options, services: services)
        }
        // Warm-up: the first inference pays for lazy initialisation, on each worker's session.
        WorkerPool(workers: workers).run(Array(repeating: inputs[0], count: workers), work: { _ = processFile($0) },
                                         deliver: { _, _ in })
        var timings: [String: [Double]] = [:]
        var failures = 0
        let clock = ContinuousClock()
        let started = clock.now
        let work = Array((0..<runs).map { _ in inputs }.joined())
        WorkerPool(workers: workers).run(work, work: processFile,
                                         deliver: { _, outcome in
            guard let outcome else { failures += 1; return }
            if !outcome.succeeded { failures += 1 }
            for timing in outcome.timings { timings[timing.step, default: []].append(timing.milliseconds) }
        })
        let seconds = (clock.now - started).milliseconds / 1000
        let order = pipeline.steps.map(\.name).filter { timings[$0] != nil }
        return Throughput(images: work.count, failures: failures, backend: services.segmenter.backend.name,
                          workers: workers, medianMilliseconds: timings.mapValues(median),
                          meanMilliseconds: timings.mapValues { $0.reduce(0, +) / Double($0.count) }, stageOrder: order,
                          imagesPerHour: Double(work.count) / seconds * 3600,
                          peakRssMb: ResourceUsage.peakResidentMegabytes())
    }

    func report() -> String {
        var lines = ["images: \(images) (\(failures) failed), backend: \(backend), workers: \(workers)",
                     "ms per stage      median      mean"]
        for step in stageOrder {
            lines.append("  \(step.padding(toLength: 14, withPad: " ", startingAt: 0)) "
                         + String(format: "%8.1f  %8.1f", medianMilliseconds[step] ?? 0, meanMilliseconds[step] ?? 0))
        }
        lines.append(String(format: "images/hour: %.0f", imagesPerHour))
        lines.append("peak RSS: \(peakRssMb) MB")
        return lines.joined(separator: "\n")
    }

    func jsonLine() -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = .sortedKeys
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? "{}"
    }
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

enum ResourceUsage {
    /// The process's peak resident set size so far.
    static func peakResidentMegabytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss / 1024
    }
}
