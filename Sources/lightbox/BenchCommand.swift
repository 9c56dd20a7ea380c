import ArgumentParser
import Foundation
import LightboxCore
import LightboxIO

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the pipeline over a folder of images (use a release build).",
        usage: "lightbox bench DIR [--runs N] [pipeline options]",
        discussion: PipelineArguments.help
    )

    @Option(help: "How many times to process the whole folder")
    var runs = 1

    @Argument(parsing: .allUnrecognized, help: "Folder of images, and pipeline options")
    var arguments: [String] = []

    func run() throws {
        let parsed = try PipelineArguments(arguments)
        let inputs = InputCollector().collect(parsed.paths)
        guard !inputs.isEmpty else { throw ValidationError("No images found in \(parsed.paths.joined(separator: " ")).") }
        let processor = try Engine.fileProcessor(for: parsed.options)
        let images = try inputs.map { try InputCollector().read($0, limit: parsed.options.limits.maxInputBytes) }
        // Warm-up: the first inference pays for lazy initialisation.
        _ = processor.pipeline.run(images[0], options: parsed.options, services: processor.services)
        var timings: [String: [Double]] = [:]
        var failures = 0
        let clock = ContinuousClock()
        let started = clock.now
        for _ in 0..<runs {
            for image in images {
                let outcome = processor.pipeline.run(image, options: parsed.options, services: processor.services)
                if !outcome.succeeded { failures += 1 }
                for timing in outcome.timings { timings[timing.step, default: []].append(timing.milliseconds) }
            }
        }
        let elapsed = (clock.now - started).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        let count = images.count * runs
        print("images: \(count) (\(failures) failed), backend: \(processor.services.segmenter.backend.name)")
        print("median ms per stage:")
        let order = processor.pipeline.steps.map(\.name)
        for step in order {
            guard let values = timings[step] else { continue }
            print("  \(step.padding(toLength: 14, withPad: " ", startingAt: 0)) \(String(format: "%8.1f", median(values)))")
        }
        print(String(format: "images/hour: %.0f", Double(count) / seconds * 3600))
        print(String(format: "seconds per image: %.3f", seconds / Double(count)))
        print("peak RSS: \(ResourceUsage.peakResidentMegabytes()) MB")
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
