/// Out of focus outdoors: sky tones above, foliage greens below, blended by broad noise,
/// with soft bright discs where highlights would be. Drawn on a coarse grid, so the
/// result holds no fine detail, as a wide aperture would show it.
struct OutdoorScene: BackgroundRenderer {
    let noise: ValueNoise
    var discCount = 28

    func render(size: PixelSize) throws -> VipsImage {
        let width = Float(size.width), height = Float(size.height)
        let sky: (Float, Float, Float) = (206, 226, 238), leaf: (Float, Float, Float) = (104, 148, 92)
        let deep: (Float, Float, Float) = (62, 104, 70)
        let discs = (0..<discCount).map { index in
            (x: noise.random(index, 1) * width, y: noise.random(index, 2) * height * 0.75,
             radius: (0.02 + 0.05 * noise.random(index, 3)) * width, strength: 0.18 + 0.3 * noise.random(index, 4))
        }
        return try SceneCanvas(size: size, step: 12).render { x, y in
            let (nx, ny) = (x / width, y / height)
            let foliage = smoothstep(0.25, 0.75, ny + (noise.fractal(nx * 3, ny * 3, octaves: 3) - 0.5) * 0.6)
            let green = mix(leaf, deep, noise.fractal(nx * 2 + 20, ny * 2, octaves: 2))
            var colour = mix(sky, green, foliage)
            for disc in discs {
                let distance = ((x - disc.x) * (x - disc.x) + (y - disc.y) * (y - disc.y)).squareRoot()
                // A flat disc with a soft rim, as an out-of-focus highlight looks.
                let inside = 1 - smoothstep(disc.radius * 0.85, disc.radius, distance)
                colour = mix(colour, (255, 250, 232), inside * disc.strength)
            }
            return colour
        }
    }
}
