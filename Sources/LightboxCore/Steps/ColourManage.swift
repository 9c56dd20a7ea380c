/// Converts to 8-bit sRGB through the embedded ICC profile; untagged images are taken
/// as sRGB. Transparency is flattened onto white, as a camera would have seen it.
public struct ColourManage: PipelineStep {
    public let name = "colour"

    public init() {}

    public func run(_ context: inout PipelineContext) throws {
        let image = try context.required(context.image, "decoded image")
        // Decode already holds these pixels in memory; a second copy would only cost memory.
        if image.isPlainSRGB { return }
        var converted: VipsImage
        if image.hasICCProfile {
            do {
                converted = try image.toSRGB(usingEmbeddedProfile: true)
                context.notes.append("converted the embedded ICC profile to sRGB")
            } catch {
                converted = try image.toSRGB(usingEmbeddedProfile: false)
                context.notes.append("ignored an unreadable ICC profile; treated as sRGB")
            }
        } else {
            converted = try image.toSRGB(usingEmbeddedProfile: false)
        }
        if converted.bands == 4 {
            converted = try converted.composited(over: .solid(converted.size, colour: [255, 255, 255]), at: (0, 0))
                .cast(.uchar)
        }
        // Later steps read these pixels more than once: convert them once.
        context.image = try converted.bands(0, count: 3).tagged(.srgb).materialized()
    }
}
