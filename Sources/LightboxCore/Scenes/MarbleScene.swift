import Foundation

/// White marble floor: veins follow a sine of a domain-warped fractal noise, so that
/// they wander and branch as real ones do.
struct MarbleScene: BackgroundRenderer {
    let noise: ValueNoise

    func render(size: PixelSize) throws -> VipsImage {
        let stone: (Float, Float, Float) = (238, 236, 232), vein: (Float, Float, Float) = (150, 148, 150)
        let scene = FloorScene(wallTop: (246, 245, 243), wallBottom: (231, 229, 226)) { u, v, contrast in
            let (x, y) = (u * 1.6, v * 1.6)
            let warp = noise.fractal(x * 0.8 + 11, y * 0.8 + 5, octaves: 4)
            let field = noise.fractal(x + 3 * warp, y + 3 * warp, octaves: 5)
            // Thin where the sine crosses zero; the power sharpens them into veins.
            let phase: Float = (x * 0.8 + y * 0.5 + 5 * field) * 2.6
            let line: Float = 1 - abs(sin(phase))
            let strength: Float = 0.45 + 0.55 * noise.fractal(x * 2 + 40, y * 2, octaves: 2)
            let veins: Float = pow(line, 14) * strength
            let cloud = (noise.fractal(x * 1.5 + 90, y * 1.5, octaves: 3) - 0.5) * 10
            let base = (stone.0 + cloud, stone.1 + cloud, stone.2 + cloud)
            return mix(base, vein, veins * contrast * 0.8)
        }
        return try scene.render(size: size)
    }
}
