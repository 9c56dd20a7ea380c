import Foundation

/// A small upright sRGB JPEG of a photo or an output, for contact sheets. It reads the
/// image as the pipeline does (limits, orientation, colour profile), shrinking on load.
public enum Thumbnail {
    public static func jpeg(of input: Data, longSide: Int, services: PipelineServices) throws -> Data {
        var options = ProcessOptions()
        // Decode shrinks toward twice the canvas's long side.
        options.canvas = PixelSize(width: max(8, longSide / 2), height: max(8, longSide / 2))
        var context = PipelineContext(input: input, options: options, services: services)
        for step in [Decode(), Orient(), ColourManage()] as [any PipelineStep] { try step.run(&context) }
        let image = try context.required(context.image, "decoded image")
        let scale = Double(longSide) / Double(image.size.longSide)
        let small = scale < 1 ? try image.resized(horizontal: scale, vertical: scale) : image
        var quality = EncodeQuality()
        quality.jpeg = 80
        return try small.encoded(as: .jpeg, quality: quality)
    }
}
