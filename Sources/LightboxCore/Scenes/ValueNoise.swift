/// Smooth lattice noise for procedural scenes, from an integer hash of the lattice point
/// and the seed: the same seed draws the same scene on every machine, and no state is
/// shared between threads.
struct ValueNoise: Sendable {
    let seed: UInt64

    /// 0...1 at integer lattice points, smoothly interpolated between them.
    func value(_ x: Float, _ y: Float) -> Float {
        let fx = x.rounded(.down), fy = y.rounded(.down)
        let ix = Int64(fx), iy = Int64(fy)
        let tx = x - fx, ty = y - fy
        let sx = tx * tx * (3 - 2 * tx), sy = ty * ty * (3 - 2 * ty)
        let a = lattice(ix, iy), b = lattice(ix + 1, iy), c = lattice(ix, iy + 1), d = lattice(ix + 1, iy + 1)
        let top = a + (b - a) * sx, bottom = c + (d - c) * sx
        return top + (bottom - top) * sy
    }

    /// Octaves of `value`, each twice as fine and `gain` times as strong; about 0...1.
    func fractal(_ x: Float, _ y: Float, octaves: Int, gain: Float = 0.5) -> Float {
        var sum: Float = 0, amplitude: Float = 1, total: Float = 0, frequency: Float = 1
        for octave in 0..<octaves {
            // Each octave is shifted so that lattice points do not line up.
            let shift = Float(octave) * 17.31
            sum += amplitude * value(x * frequency + shift, y * frequency - shift)
            total += amplitude
            amplitude *= gain
            frequency *= 2
        }
        return sum / total
    }

    /// A uniformly distributed value in 0...1 for an integer pair: for scattering discs.
    func random(_ index: Int, _ stream: Int = 0) -> Float { lattice(Int64(index), Int64(stream) &* 7919 &+ 104_729) }

    private func lattice(_ x: Int64, _ y: Int64) -> Float {
        // SplitMix64's finaliser over the packed coordinates and seed.
        var z = UInt64(bitPattern: x) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(bitPattern: y) &* 0xC2B2_AE3D_27D4_EB4F ^ seed
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Float(z >> 40) / Float(1 << 24)
    }
}
