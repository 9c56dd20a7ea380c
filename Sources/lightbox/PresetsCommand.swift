import ArgumentParser
import Foundation
import LightboxCore
import LightboxIO

struct PresetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "presets",
        abstract: "List the scene presets, time their rendering (use a release build), or render a product over each.",
        discussion: "Give a preset's name as --background. Prompts that name a procedural scene fall back to it "
            + "when no generative backend is configured."
    )

    @Option(help: "Write each preset at canvas size into this folder, as PNG")
    var render: String?

    @Flag(help: "Time each preset's rendering at canvas size on one core: median of 5")
    var time = false

    @Option(help: "Write a labelled grid of PHOTO's product over every preset × shadow type to this PNG file")
    var sheet: String?

    @Option(help: "The product photo for --sheet")
    var image: String?

    @Option(help: "Canvas size (for --sheet, each tile's; default 320x320 there)")
    var size: String?

    @Option(help: "Seed for procedural scenes")
    var seed: UInt64 = 1

    func run() throws {
        if let sheet { return try renderSheet(to: sheet) }
        let canvas = try ProcessOptions.Spec.size.parse(size ?? "1500x1500")
        guard render != nil || time else {
            let width = ScenePreset.allCases.map(\.rawValue.count).max() ?? 0
            for preset in ScenePreset.allCases {
                let name = preset.rawValue.padding(toLength: width + 2, withPad: " ", startingAt: 0)
                let floor = preset.floorLine == nil ? "" : ", stands on the floor"
                print("\(name)\(preset.summary) (shadow: \(preset.defaultShadow.rawValue)\(floor))")
            }
            print("custom".padding(toLength: width + 2, withPad: " ", startingAt: 0)
                  + "A scene painted by the generative backend from --background-prompt (shadow: soft)")
            return
        }
        Vips.setConcurrency(1)
        let folder = render.map { URL(fileURLWithPath: $0) }
        if let folder { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        let clock = ContinuousClock()
        for preset in ScenePreset.allCases {
            let renderer = try BackgroundSpec.scene(preset).renderer(seed: seed)
            var times: [Double] = []
            var image = try renderer.render(size: canvas).materialized()
            for _ in 0..<(time ? 5 : 0) {
                let started = clock.now
                image = try renderer.render(size: canvas).materialized()
                times.append((clock.now - started).milliseconds)
            }
            if let folder {
                try image.encoded(as: .png).write(to: folder.appendingPathComponent("\(preset.rawValue).png"))
            }
            if time {
                let name = preset.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0)
                print("\(name)\(String(format: "%7.1f", median(times))) ms at \(canvas)")
            }
        }
        if let folder { print("wrote \(ScenePreset.allCases.count) presets to \(folder.path)") }
    }

    private func renderSheet(to path: String) throws {
        guard let image else { throw ValidationError("--sheet needs --image PHOTO, the product to show.") }
        let photo = try InputCollector().read(URL(fileURLWithPath: image), limit: ProcessOptions().limits.maxInputBytes)
        var layout = PresetSheet()
        layout.seed = seed
        if let size { layout.tile = try ProcessOptions.Spec.size.parse(size) }
        let processor = try Engine.fileProcessor(for: EngineSettings())
        let grid = try layout.render(photo: photo, services: processor.services)
        try OutputStore().write(grid.encoded(as: .png), to: URL(fileURLWithPath: path))
        print("wrote \(layout.presets.count) presets × \(layout.shadows.count) shadows (\(grid.size)) to \(path)")
    }
}
