/// Grey concrete: broad mottling and finer pores, both from fractal noise.
struct ConcreteScene: BackgroundRenderer {
    let noise: ValueNoise

    func render(size: PixelSize) throws -> VipsImage {
        let scene = FloorScene(wallTop: (228, 228, 226), wallBottom: (212, 212, 210)) { u, v, contrast in
            let (x, y) = (u * 4, v * 4)
            let mottle = (noise.fractal(x, y, octaves: 4) - 0.5) * 34
            let pores = (noise.fractal(x * 9 + 50, y * 9, octaves: 2) - 0.5) * 16
            let value = 176 + (mottle + pores) * contrast
            return (value, value - 1, value - 3)
        }
        return try scene.render(size: size)
    }
}
