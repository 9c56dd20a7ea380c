/// Encodes the upright RGBA cutout at working resolution as PNG, when asked. It runs
/// before QA so that a person can inspect a cutout that failed.
public struct Cutout: PipelineStep {
    public let name = "cutout"

    public init() {}

    public func isEnabled(for options: ProcessOptions) -> Bool { options.wantsCutout }

    public func run(_ context: inout PipelineContext) throws {
        let colour = try context.required(context.foreground, "foreground")
        let matte = try context.required(context.matte, "matte")
        let rgba = try colour.joined(with: matte).tagged(.srgb)
        context.cutout = try EncodedImage(encoding: rgba, as: .png, quality: EncodeQuality())
    }
}
