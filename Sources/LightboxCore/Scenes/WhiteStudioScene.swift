/// White, lit from above: the lower fifth falls off by a few levels toward the bottom,
/// as a studio sweep does, without reading as grey.
struct WhiteStudioScene: BackgroundRenderer {
    func render(size: PixelSize) throws -> VipsImage {
        let height = Float(size.height), width = Float(size.width)
        return try SceneCanvas(size: size, step: 8).render { x, y in
            let fall = smoothstep(0.78, 1, y / height) * 9
            // Slightly darker toward the lower corners.
            let side = abs(x / width - 0.5) * 2
            let value = 255 - fall * (0.7 + 0.3 * side)
            return (value, value, value + 0.3 * fall)
        }
    }
}
