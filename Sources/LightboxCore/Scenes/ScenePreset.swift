/// Named looks a seller picks: a background, its light, and the shadow that suits it.
public enum ScenePreset: String, Sendable, CaseIterable, Codable {
    case whiteStudio = "white-studio"
    case gradientLight = "gradient-light"
    case marble
    case outdoor
    case woodTable = "wood-table"
    case concrete
    case linen
    case pastel

    public var summary: String {
        switch self {
        case .whiteStudio: "Clean white with soft diffused light and a barely visible floor falloff"
        case .gradientLight: "A subtle white-to-light-grey gradient, top to bottom"
        case .marble: "White marble floor under studio light, with procedural veins, against a pale wall"
        case .outdoor: "A natural setting: blurred greens and sky tones with soft bokeh discs"
        case .woodTable: "A light oak tabletop with grain and plank seams, against a warm wall"
        case .concrete: "A mottled grey concrete floor against a light grey wall"
        case .linen: "An oatmeal linen backdrop with a fine woven texture"
        case .pastel: "A soft two-tone pastel wash; the seed picks the pair"
        }
    }

    /// Tabletop scenes (a `FloorScene`): the product stands on the floor.
    var hasFloor: Bool {
        switch self {
        case .marble, .woodTable, .concrete: true
        case .whiteStudio, .gradientLight, .outdoor, .linen, .pastel: false
        }
    }

    public var defaultShadow: ShadowKind { hasFloor ? .natural : .soft }

    /// Canvas height fraction where the product stands, for scenes with a floor.
    public var floorLine: Double? { hasFloor ? FloorScene.floorLine : nil }

    func renderer(seed: UInt64) -> any BackgroundRenderer {
        switch self {
        case .whiteStudio: WhiteStudioScene()
        case .gradientLight: LinearGradientBackground(angle: 180, from: .white, to: RGBColour(red: 226, green: 226, blue: 228))
        case .marble: MarbleScene(noise: ValueNoise(seed: seed))
        case .outdoor: OutdoorScene(noise: ValueNoise(seed: seed))
        case .woodTable: WoodTableScene(noise: ValueNoise(seed: seed))
        case .concrete: ConcreteScene(noise: ValueNoise(seed: seed))
        case .linen: LinenScene(noise: ValueNoise(seed: seed))
        case .pastel: PastelScene(noise: ValueNoise(seed: seed))
        }
    }
}
