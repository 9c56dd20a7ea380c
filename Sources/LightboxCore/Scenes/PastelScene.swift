/// Two pastel tones washed diagonally into each other, with a soft light at the top.
struct PastelScene: BackgroundRenderer {
    let noise: ValueNoise

    static let palette: [(Float, Float, Float)] = [
        (248, 215, 218), (212, 241, 228), (228, 221, 244), (214, 233, 248), (252, 227, 207), (246, 240, 205),
    ]

    func render(size: PixelSize) throws -> VipsImage {
        let count = Self.palette.count
        let first = Int(noise.random(0, 9) * Float(count)) % count
        let second = (first + 1 + Int(noise.random(1, 9) * Float(count - 1)) % (count - 1)) % count
        let (from, to) = (Self.palette[first], Self.palette[second])
        let width = Float(size.width), height = Float(size.height)
        return try SceneCanvas(size: size, step: 16).render { x, y in
            let t = smoothstep(0, 1, (x / width * 0.6 + y / height * 0.9) / 1.5)
            let colour = mix(from, to, t)
            let glow = 10 * (1 - smoothstep(0, 0.7, y / height))
            return (colour.0 + glow, colour.1 + glow, colour.2 + glow)
        }
    }
}
