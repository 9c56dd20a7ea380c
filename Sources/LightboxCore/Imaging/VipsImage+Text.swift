extension VipsImage {
    /// This image with `text` drawn in dark grey, its top left at `origin`; text that would
    /// run past the right or bottom edge is clipped.
    public func drawingText(_ text: String, at origin: (x: Int, y: Int), font: String = "DejaVu Sans 14",
                            ink: [Double] = [40, 40, 40]) throws -> VipsImage {
        let coverage = try VipsImage.text(text, font: font, dpi: 72)
        let width = min(coverage.width, self.width - origin.x), height = min(coverage.height, self.height - origin.y)
        guard width > 0, height > 0 else { return self }
        let clipped = try coverage.cropped(to: PixelRect(x: 0, y: 0, width: width, height: height))
        let region = PixelRect(x: origin.x, y: origin.y, width: width, height: height)
        let under = try cropped(to: region)
        let colour = try VipsImage.solid(clipped.size, colour: ink)
        return try inserting(clipped.blend(colour, over: under).cast(.uchar), at: (region.x, region.y))
    }
}
