/// A wall meeting a floor at a horizon, lit from the front: the layout shared by the
/// tabletop scenes. The floor's texture is looked up in perspective, so that it recedes
/// toward the horizon and fades to its mean there instead of aliasing.
struct FloorScene {
    /// Canvas height fraction where wall meets floor.
    static let horizon: Float = 0.5
    /// Canvas height fraction where products stand: on the floor, below the horizon.
    static let floorLine = 0.84

    let wallTop: (Float, Float, Float)
    let wallBottom: (Float, Float, Float)
    /// The floor's colour at floor coordinates (u across, v into the depth, both in about
    /// canvas widths) and the texture's contrast (0...1, falling with distance).
    let floor: (_ u: Float, _ v: Float, _ contrast: Float) -> (Float, Float, Float)

    /// Floor textures hold detail a few pixels wide, so the grid is finer than for flat scenes.
    func render(size: PixelSize) throws -> VipsImage {
        let width = Float(size.width), height = Float(size.height)
        let horizonY = Self.horizon * height
        return try SceneCanvas(size: size, step: 3).render { x, y in
            if y < horizonY {
                return mix(wallTop, wallBottom, y / horizonY)
            }
            // Depth grows without bound at the horizon: z = 1 at the bottom edge.
            let below = max((y - horizonY) / (height - horizonY), 0.02)
            let depth = 1 / below
            let u = (x / width - 0.5) * depth, v = depth
            let contrast = smoothstep(0.02, 0.35, below)
            // The light falls off toward the horizon, where the floor meets the wall's shade.
            let floorColour = floor(u, v, contrast)
            let light = 0.9 + 0.1 * smoothstep(0, 0.6, below)
            let lit = (floorColour.0 * light, floorColour.1 * light, floorColour.2 * light)
            // A soft seam, not a hard line, where the floor meets the wall.
            return mix(wallBottom, lit, smoothstep(0, 0.04, below))
        }
    }
}
