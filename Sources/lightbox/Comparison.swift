import ArgumentParser
import Foundation
import LightboxCore
import LightboxIO

/// `lightbox bench --compare`: Lightbox against the references, interleaved in one invocation.
struct Comparison {
    let folder: String
    let inputs: [URL]
    let options: ProcessOptions
    let engine: EngineSettings
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

    func run() throws {
        let scripts = try Self.benchFolder()
        try Self.requireReferences()
        let store = ModelStore.locate()
        var xnnOptions = engine
        xnnOptions.backend = .xnnpack
        xnnOptions.threads = 1
        let segmenter = try store.segmenter(for: xnnOptions)
        let tensors = try Fixtures.prepare(inputs, options: options, segmenter: segmenter)
        defer { try? FileManager.default.removeItem(at: tensors.folder) }
        let size = segmenter.model.inputSize
        var rounds: [Round] = []
        let onnxruntime = try ReferenceInference(script: scripts.appendingPathComponent("reference_onnxruntime.py"),
                                                 model: store.file(for: engine.model), tensors: tensors.folder, size: size)
        defer { onnxruntime.stop() }
        for round in 1...repetitions {
            let inference = try onnxruntime.interleaved(with: segmenter.backend, on: tensors.values)
            // Whole runs alternate which goes first, so that a machine growing busier or quieter
            // during a round does not always favour the same side.
            let runLightbox = { () throws -> Throughput in
                try Self.runJSON(Self.executable.path, ["bench"] + self.pipelineArguments + ["--json", "--workers", String(self.engine.workers)])
            }
            let runReference = { () throws -> ReferenceFigures in
                try Self.runJSON("python3", [scripts.appendingPathComponent("reference_rembg.py").path, self.folder])
            }
            let lightbox: Throughput, reference: ReferenceFigures
            if round % 2 == 1 {
                lightbox = try runLightbox()
                reference = try runReference()
            } else {
                reference = try runReference()
                lightbox = try runLightbox()
            }
            rounds.append(Round(xnnpackMs: inference.ours, onnxruntimeMs: inference.reference, lightbox: lightbox,
                                reference: reference))
            FileHandle.standardError.write(Data("round \(round)/\(repetitions) done\n".utf8))
        }
        print(Self.report(rounds, images: inputs.count, workers: engine.workers))
    }

    /// onnxruntime on one thread in a child process that times one tensor per request, so
    /// that its inferences and ours can take turns under the same machine load.
    final class ReferenceInference {
        private let process = Process()
        private let requests = Pipe(), answers = Pipe()
        private var pending = Data()

        init(script: URL, model: URL, tensors: URL, size: PixelSize) throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", script.path, "--model", model.path, "--tensors", tensors.path,
                                 "--size", "\(size.height)x\(size.width)", "--serve"]
            process.standardInput = requests
            process.standardOutput = answers
            try process.run()
            guard try line() == "ready" else { throw ValidationError("The onnxruntime reference did not start") }
        }

        /// Median milliseconds of ours and of onnxruntime over every tensor, after a warm-up of
        /// ours. They take turns in blocks of `block` images, each block's first side swapping,
        /// so that both run as a steady loop does while a change in the machine's load, which
        /// lasts longer than a block, falls on both alike.
        func interleaved(with backend: any SegmentationBackend, on tensors: [ModelTensor], block: Int = 5) throws
            -> (ours: Double, reference: Double) {
            _ = try backend.predict(tensors[0], outputIndex: 0)
            let clock = ContinuousClock()
            var ours: [Double] = [], reference: [Double] = []
            for (number, start) in stride(from: 0, to: tensors.count, by: block).enumerated() {
                let indices = start..<min(start + block, tensors.count)
                let timeOurs = {
                    for index in indices {
                        let started = clock.now
                        _ = try backend.predict(tensors[index], outputIndex: 0)
                        ours.append((clock.now - started).milliseconds)
                    }
                }
                if number % 2 == 0 { try timeOurs() }
                for index in indices {
                    requests.fileHandleForWriting.write(Data("\(index)\n".utf8))
                    guard let answer = Double(try line()) else { throw ValidationError("The onnxruntime reference failed") }
                    reference.append(answer)
                }
                if number % 2 == 1 { try timeOurs() }
            }
            return (median(ours), median(reference))
        }

        func stop() {
            try? requests.fileHandleForWriting.close()
            process.waitUntilExit()
        }

        private func line() throws -> String {
            while true {
                if let end = pending.firstIndex(of: 0x0A) {
                    let text = String(decoding: pending[..<end], as: UTF8.self)
                    pending.removeSubrange(...end)
                    return text
                }
                let chunk = answers.fileHandleForReading.availableData
                guard !chunk.isEmpty else { throw ValidationError("The onnxruntime reference stopped") }
                pending.append(chunk)
            }
        }
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
