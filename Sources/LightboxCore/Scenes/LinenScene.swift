import Foundation

/// Oatmeal linen: a fine weave of crossing threads, each thread a little thicker or
/// thinner along its length as linen is, with slubs and a soft light from the top.
struct LinenScene: BackgroundRenderer {
    let noise: ValueNoise

    func render(size: PixelSize) throws -> VipsImage {
        let height = Float(size.height)
        let base: (Float, Float, Float) = (233, 225, 211)
        // Threads every 3 canvas pixels each way; per thread, a strength that varies slowly.
        let columns = (0..<size.width).map { x in sin(Float(x) * 2.1) * (0.6 + 0.4 * noise.value(Float(x) * 0.3, 5)) }
        let rows = (0..<size.height).map { y in sin(Float(y) * 2.1) * (0.6 + 0.4 * noise.value(70, Float(y) * 0.3)) }
        return try SceneCanvas(size: size, step: 4).render({ x, y in
            let slub = (noise.fractal(x * 0.01, y * 0.15 + 30, octaves: 2) - 0.5) * 8
            let light = 6 * (1 - y / height)
            let value = slub + light
            return (base.0 + value, base.1 + value, base.2 + value)
        }, detail: { x, y in (columns[x] + rows[y]) * 3 })
    }
}
