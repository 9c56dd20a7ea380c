import Foundation

/// One product over every preset × shadow, as a labelled grid: a picture to choose a look
/// from. The product is cut out once; each tile runs only the steps from Background on.
public struct PresetSheet: Sendable {
    public var tile = PixelSize(width: 320, height: 320)
    public var seed: UInt64 = 1
    public var presets = ScenePreset.allCases
    public var shadows = ShadowKind.allCases

    static let gap = 8, labelHeight = 28, rowLabelWidth = 150
    static let font = "DejaVu Sans 14"

    public init() {}

    public func render(photo: Data, services: PipelineServices) throws -> VipsImage {
        var options = ProcessOptions()
        options.canvas = tile
        options.seed = seed
        var cutOut = PipelineContext(input: photo, options: options, services: services)
        for step in Pipeline.standard.steps.prefix(while: { !($0 is Background) }) where step.isEnabled(for: options) {
            try step.run(&cutOut)
        }
        let compose: [any PipelineStep] = [Background(), Fit(), Shadow(), Composite()]
        let step = (x: tile.width + Self.gap, y: tile.height + Self.gap)
        let size = PixelSize(width: Self.rowLabelWidth + shadows.count * step.x + Self.gap,
                             height: Self.labelHeight + presets.count * step.y + Self.gap)
        var sheet = try VipsImage.solid(size, colour: [246, 246, 246])
        for (column, shadow) in shadows.enumerated() {
            sheet = try sheet.drawingText(shadow.rawValue, at: (Self.rowLabelWidth + column * step.x, 6), font: Self.font)
        }
        for (row, preset) in presets.enumerated() {
            let y = Self.labelHeight + row * step.y
            sheet = try sheet.drawingText(preset.rawValue, at: (Self.gap, y + tile.height / 2 - 10), font: Self.font)
            for (column, shadow) in shadows.enumerated() {
                var variant = cutOut
                variant.options.background = .scene(preset)
                variant.options.shadow = shadow
                for step in compose where step.isEnabled(for: variant.options) { try step.run(&variant) }
                let tile = try variant.required(variant.canvas, "composited tile")
                sheet = try sheet.inserting(tile, at: (Self.rowLabelWidth + column * step.x, y))
            }
        }
        return try sheet.tagged(.srgb).materialized()
    }
}
