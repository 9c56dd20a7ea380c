/// Draws a scene by evaluating its colour on a grid coarser than the canvas and scaling
/// that up bilinearly: backgrounds are smooth at a few pixels' scale, and a 1500² canvas
/// at step 4 costs a sixteenth of the evaluations. Texture finer than the grid (threads,
/// grain) comes from `detail`, a brightness offset per canvas pixel.
struct SceneCanvas {
    let size: PixelSize
    /// Canvas pixels per grid point.
    let step: Int

    /// `shade(x, y)` gets canvas coordinates and returns 0...255 RGB.
    func render(_ shade: (Float, Float) -> (Float, Float, Float),
                detail: ((Int, Int) -> Float)? = nil) throws -> VipsImage {
        let grid = PixelSize(width: (size.width - 1) / step + 2, height: (size.height - 1) / step + 2)
        var coarse = [Float](repeating: 0, count: grid.pixelCount * 3)
        for gy in 0..<grid.height {
            for gx in 0..<grid.width {
                let (r, g, b) = shade(Float(gx * step), Float(gy * step))
                let index = (gy * grid.width + gx) * 3
                (coarse[index], coarse[index + 1], coarse[index + 2]) = (r, g, b)
            }
        }
        var pixels = [UInt8](repeating: 0, count: size.pixelCount * 3)
        let columns = CoarseGrid.cornerTaps(count: size.width, step: step)
        let rows = CoarseGrid.cornerTaps(count: size.height, step: step)
        CoarseGrid(values: coarse, size: grid, bands: 3).forEachRow(rows) { y, row in
            for x in 0..<size.width {
                let offset = detail?(x, y) ?? 0, out = (y * size.width + x) * 3
                for band in 0..<3 {
                    pixels[out + band] = Self.byte(row.interpolated(columns[x], band: band, bands: 3) + offset)
                }
            }
        }
        return try VipsImage.fromPixels(pixels, size: size, bands: 3, format: .uchar).tagged(.srgb)
    }

    static func byte(_ value: Float) -> UInt8 { UInt8(min(max(value, 0), 255).rounded()) }
}

/// Mixes two colours: `t` 0 gives `a`, 1 gives `b`.
func mix(_ a: (Float, Float, Float), _ b: (Float, Float, Float), _ t: Float) -> (Float, Float, Float) {
    (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t, a.2 + (b.2 - a.2) * t)
}

func smoothstep(_ low: Float, _ high: Float, _ x: Float) -> Float {
    let t = min(max((x - low) / (high - low), 0), 1)
    return t * t * (3 - 2 * t)
}

extension RGBColour {
    var floats: (Float, Float, Float) { (Float(components[0]), Float(components[1]), Float(components[2])) }
}
