import ArgumentParser
import Foundation
import LightboxCore
import LightboxIO

/// `lightbox bench --compare`: Lightbox against the references, interleaved in one invocation.
struct Comparison {
    let folder: String
    let inputs: [URL]
    let options: ProcessOptions
    let workers: Int
    let repetitions: Int
    let pipelineArguments: [String]

    struct Round {
        var xnnpackMs: Double
        var onnxruntimeMs: Double
        var lightbox: Throughput
        var reference: ReferenceFigures
    }

    struct ReferenceFigures: Decodable {
        var imagesPerHour: Double
        var peakRssMb: Double
    }

    struct InferenceFigures: Decodable {
        var medianMs: Double
    }

    func run() throws {
        let scripts = try Self.benchFolder()
        try Self.requireReferences()
        let store = ModelStore.locate()
        var xnnOptions = options
        xnnOptions.backend = .xnnpack
        xnnOptions.threads = 1
        let segmenter = try store.segmenter(for: xnnOptions)
        let tensors = try Fixtures.prepare(inputs, options: options, segmenter: segmenter)
        defer { try? FileManager.default.removeItem(at: tensors.folder) }
        let size = segmenter.model.inputSize
        var rounds: [Round] = []
        for round in 1...repetitions {
            let ours = try Self.time(segmenter.backend, on: tensors.values)
            let onnxruntime: InferenceFigures = try Self.runJSON("python3", [
                scripts.appendingPathComponent("reference_onnxruntime.py").path,
                "--model", store.file(for: options.model).path, "--tensors", tensors.folder.path,
                "--size", "\(size.height)x\(size.width)"])
            let lightbox: Throughput = try Self.runJSON(Self.executable.path,
                ["bench"] + pipelineArguments + ["--json", "--workers", String(workers)])
            let reference: ReferenceFigures = try Self.runJSON("python3",
                [scripts.appendingPathComponent("reference_rembg.py").path, folder])
            rounds.append(Round(xnnpackMs: ours, onnxruntimeMs: onnxruntime.medianMs, lightbox: lightbox,
                                reference: reference))
            FileHandle.standardError.write(Data("round \(round)/\(repetitions) done\n".utf8))
        }
        print(Self.report(rounds, images: inputs.count, workers: workers))
    }

    /// Median milliseconds of `backend` over every tensor, after one warm-up run.
    static func time(_ backend: any SegmentationBackend, on tensors: [ModelTensor]) throws -> Double {
        _ = try backend.predict(tensors[0], outputIndex: 0)
        let clock = ContinuousClock()
        return median(try tensors.map { tensor in
            let started = clock.now
            _ = try backend.predict(tensor, outputIndex: 0)
            return (clock.now - started).milliseconds
        })
    }

    static func report(_ rounds: [Round], images: Int, workers: Int) -> String {
        func row(_ name: String, _ values: [Double], _ format: String) -> String {
            name.padding(toLength: 34, withPad: " ", startingAt: 0)
                + values.map { String(format: format, $0).leftPadded(10) }.joined()
        }
        let inference = rounds.map { $0.xnnpackMs / $0.onnxruntimeMs }
        let throughput = rounds.map { $0.lightbox.imagesPerHour / $0.reference.imagesPerHour }
        let memory = rounds.map { Double($0.lightbox.peakRssMb) / $0.reference.peakRssMb }
        var lines = ["\(images) images, \(workers) workers; \(rounds.count) interleaved rounds",
                     "".padding(toLength: 34, withPad: " ", startingAt: 0)
                        + rounds.indices.map { "round \($0 + 1)".leftPadded(10) }.joined()
                        + "median".leftPadded(10) + "worst".leftPadded(10)]
        func line(_ name: String, _ values: [Double], worst: Double, _ format: String) {
            lines.append(row(name, values + [median(values), worst], format))
        }
        line("inference ms, xnnpack 1 thread", rounds.map(\.xnnpackMs), worst: rounds.map(\.xnnpackMs).max()!, "%.1f")
        line("inference ms, onnxruntime 1 thread", rounds.map(\.onnxruntimeMs), worst: rounds.map(\.onnxruntimeMs).min()!, "%.1f")
        line("  ratio (target <= 1.10)", inference, worst: inference.max()!, "%.3f")
        line("images/hour, lightbox", rounds.map(\.lightbox.imagesPerHour), worst: rounds.map(\.lightbox.imagesPerHour).min()!, "%.0f")
        line("images/hour, rembg + Pillow", rounds.map(\.reference.imagesPerHour), worst: rounds.map(\.reference.imagesPerHour).max()!, "%.0f")
        line("  ratio (target >= 2.0)", throughput, worst: throughput.min()!, "%.2f")
        line("peak RSS MB, lightbox", rounds.map { Double($0.lightbox.peakRssMb) }, worst: Double(rounds.map(\.lightbox.peakRssMb).max()!), "%.0f")
        line("peak RSS MB, rembg + Pillow", rounds.map(\.reference.peakRssMb), worst: rounds.map(\.reference.peakRssMb).min()!, "%.0f")
        line("  ratio (target <= 0.40)", memory, worst: memory.max()!, "%.3f")
        lines.append("worst: each figure's least favourable round for Lightbox")
        return lines.joined(separator: "\n")
    }

    // MARK: - The references

    static var executable: URL { URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath() }

    /// `bench/` of the source tree: beside the current folder, or of the tree the binary was built in.
    static func benchFolder() throws -> URL {
        let candidates = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("bench"),
                          executable.deletingLastPathComponent().appendingPathComponent("../../../bench").standardizedFileURL]
        guard let found = candidates.first(where: {
            FileManager.default.fileExists(atPath: $0.appendingPathComponent("reference_rembg.py").path)
        }) else { throw ValidationError("Cannot find bench/reference_rembg.py; run from the repository.") }
        return found
    }

    static func requireReferences() throws {
        let check = try ChildProcess.run("python3", ["-c", "import onnxruntime, rembg, PIL"])
        guard check.status == 0 else {
            throw ValidationError("The references are not installed: run scripts/bench-setup.sh")
        }
    }

    static func runJSON<T: Decodable>(_ program: String, _ arguments: [String]) throws -> T {
        let result = try ChildProcess.run(program, arguments)
        guard result.status == 0, let line = result.standardOutput.split(separator: "\n").last(where: { $0.hasPrefix("{") }) else {
            throw ValidationError("\(program) \(arguments.prefix(2).joined(separator: " ")) failed: \(result.standardError)")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(T.self, from: Data(line.utf8))
    }

    /// The model's input tensors for every image, in memory and as raw float32 files for onnxruntime.
    enum Fixtures {
        static func prepare(_ inputs: [URL], options: ProcessOptions, segmenter: Segmenter) throws
            -> (folder: URL, values: [ModelTensor]) {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lightbox-tensors-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let services = PipelineServices(segmenter: segmenter)
            let values = try inputs.enumerated().map { index, url in
                var context = PipelineContext(input: try InputCollector().read(url, limit: options.limits.maxInputBytes),
                                              options: options, services: services)
                for step in [Decode(), Orient(), ColourManage()] as [any PipelineStep] { try step.run(&context) }
                let tensor = try segmenter.tensor(from: context.required(context.image, "image"))
                try tensor.values.withUnsafeBytes { try Data($0).write(to: folder.appendingPathComponent(String(format: "%05d.f32", index))) }
                return tensor
            }
            return (folder, values)
        }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
