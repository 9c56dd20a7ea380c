import Foundation

/// Light oak planks running into the depth: grain from stretched noise, growth rings from
/// a sine of it, and a dark seam between planks.
struct WoodTableScene: BackgroundRenderer {
    let noise: ValueNoise

    func render(size: PixelSize) throws -> VipsImage {
        let light: (Float, Float, Float) = (214, 178, 136), dark: (Float, Float, Float) = (172, 128, 88)
        let scene = FloorScene(wallTop: (244, 238, 229), wallBottom: (226, 218, 206)) { u, v, contrast in
            let planks: Float = 5
            let across = u * planks
            let plank = across.rounded(.down)
            // Each plank's grain is offset so that neighbours differ.
            let grain = noise.fractal(across * 6 + plank * 13, v * 0.9, octaves: 4)
            let rings = 0.5 + 0.5 * sin((grain * 9 + across * 2) * 3)
            let tone = 0.35 * rings + 0.65 * grain
            let seam: Float = abs(across - plank - 0.5) > 0.47 ? 1 : 0
            let colour = mix(light, dark, tone * contrast + 0.2 * (1 - contrast))
            let shade = 1 - 0.35 * seam * contrast
            return (colour.0 * shade, colour.1 * shade, colour.2 * shade)
        }
        return try scene.render(size: size)
    }
}
