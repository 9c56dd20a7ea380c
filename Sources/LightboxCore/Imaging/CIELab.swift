import Foundation

/// CIE Lab (D65) for pixel-level colour judgements: distances that follow what the eye sees,
/// and a hue that shading barely moves.
enum CIELab {
    /// Lab of interleaved sRGB bytes, one value per pixel.
    static func of(_ rgb: [UInt8]) -> [SIMD3<Float>] {
        let linear = (0...255).map { value -> Float in
            let c = Float(value) / 255
            return c <= 0.04045 ? c / 12.92 : powf((c + 0.055) / 1.055, 2.4)
        }
        func f(_ t: Float) -> Float { t > 0.008856 ? cbrtf(t) : 7.787 * t + 16 / 116 }
        return stride(from: 0, to: rgb.count - 2, by: 3).map { offset in
            let r = linear[Int(rgb[offset])], g = linear[Int(rgb[offset + 1])], b = linear[Int(rgb[offset + 2])]
            let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
            let y = 0.2126 * r + 0.7152 * g + 0.0722 * b
            let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883
            return SIMD3(116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z)))
        }
    }
}
