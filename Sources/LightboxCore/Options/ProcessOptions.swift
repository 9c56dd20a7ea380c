import Crypto
import Foundation

/// Everything one image's processing can be told, with every default taken from
/// its declaration in `ProcessOptions.Spec`. What a process sets once (the model, its
/// backend, decode limits, workers) is in `EngineSettings`.
public struct ProcessOptions: Sendable {
    /// The engine's decode limits, copied in by the adapter (`EngineSettings.limits`).
    public var limits = DecodeLimits()
    public var matte = MatteOptions()
    public var qa = QAThresholds()
    public var canvas = Spec.size.defaultValue
    public var marginPercent = Spec.margin.defaultValue
    public var alignment = Spec.align.defaultValue
    public var background = Spec.background.defaultValue
    /// The words `--background custom` stands for; setting them makes the background that prompt.
    public var backgroundPrompt: String? {
        get { customPrompt }
        set {
            customPrompt = newValue
            if let newValue { background = .prompt(newValue) }
        }
    }
    private var customPrompt: String?
    /// nil: the background's own (soft, natural on floor scenes).
    public var shadow = Spec.shadow.defaultValue
    /// A photo to lay under the product, covering the canvas in place of `background`; set by
    /// an adapter (remove.bg's bg_image_url), never from a path here.
    public var backgroundImage: Data?
    public var seed = Spec.seed.defaultValue
    public var straighten = Spec.straighten.defaultValue
    public var watermark = WatermarkOptions()
    public var framing = FramingOptions()
    /// A cutout of this photo from elsewhere (the fallback remover's PNG): its alpha stands in
    /// for the model's mask. Set by an adapter, never from a request.
    public var suppliedMatte: Data?
    /// The model that generated this photo (a missing angle): the outputs say so in XMP.
    /// Set by an adapter, never from a request.
    public var generatedBy: String?
    public var textOverlay = Spec.textOverlay.defaultValue
    /// A person's fixes to this photo's cutout; adapters fill it from the hint store.
    public var matteHints = Spec.matteHints.defaultValue
    public var formats = Spec.format.defaultValue
    public var channels = Spec.channels.defaultValue
    public var quality = EncodeQuality()
    /// Keep the input's full resolution (no shrink-on-load), e.g. to write cutouts.
    public var keepFullResolution = false
    /// Also encode the RGBA cutout at working resolution as PNG.
    public var wantsCutout = false

    public init() {}

    /// Checks that need more than one option at a time.
    public func validated() throws -> ProcessOptions {
        var options = self
        if options.background == .custom {
            guard let prompt = options.customPrompt else {
                throw LightboxError(.invalidOption, "The custom background needs background-prompt, the words to paint")
            }
            options.background = .prompt(prompt)
        }
        return try options.checked()
    }

    private func checked() throws -> ProcessOptions {
        if case .transparent = background, formats.contains(.jpeg), channels == .rgba {
            throw LightboxError(.invalidOption, "A transparent background needs png, webp or avif; jpeg has no alpha")
        }
        if qa.minCoverage >= qa.maxCoverage {
            throw LightboxError(.invalidOption, "qa-min-coverage must be below qa-max-coverage")
        }
        if matte.edgeLow >= matte.edgeHigh {
            throw LightboxError(.invalidOption, "matte-edge-low must be below matte-edge-high")
        }
        return self
    }
}

public struct DecodeLimits: Sendable {
    public var maxInputBytes = EngineSettings.Spec.maxInputMB.defaultValue * 1_000_000
    public var maxPixels = EngineSettings.Spec.maxMegapixels.defaultValue * 1_000_000
    public init() {}
}

public struct MatteOptions: Sendable {
    public var clutterThreshold = ProcessOptions.Spec.clutter.defaultValue
    public var separateTouching = ProcessOptions.Spec.separateTouching.defaultValue
    public var secondLook = ProcessOptions.Spec.secondLook.defaultValue
    public var decontaminate = ProcessOptions.Spec.decontaminate.defaultValue
    public var edgeLow = ProcessOptions.Spec.edgeLow.defaultValue
    public var edgeHigh = ProcessOptions.Spec.edgeHigh.defaultValue
    public init() {}
}

public struct QAThresholds: Sendable {
    public var minCoverage = ProcessOptions.Spec.qaMinCoverage.defaultValue
    public var maxCoverage = ProcessOptions.Spec.qaMaxCoverage.defaultValue
    public var maxUncertainty = ProcessOptions.Spec.qaMaxUncertainty.defaultValue
    public init() {}
}

public struct WatermarkOptions: Sendable {
    public var text = ProcessOptions.Spec.watermark.defaultValue
    /// Image bytes (PNG with alpha, say); set by an adapter, never from a path here.
    public var image: Data?
    public var opacity = ProcessOptions.Spec.watermarkOpacity.defaultValue
    public var position = ProcessOptions.Spec.watermarkPosition.defaultValue
    public var sizePercent = ProcessOptions.Spec.watermarkSize.defaultValue
    public var font = ProcessOptions.Spec.watermarkFont.defaultValue
    public init() {}

    public var isEnabled: Bool { text != nil || image != nil }
}

public struct EncodeQuality: Sendable {
    public var jpeg = ProcessOptions.Spec.jpegQuality.defaultValue
    public var jpegProgressive = ProcessOptions.Spec.jpegProgressive.defaultValue
    public var webp = ProcessOptions.Spec.webpQuality.defaultValue
    public var webpEffort = ProcessOptions.Spec.webpEffort.defaultValue
    public var avif = ProcessOptions.Spec.avifQuality.defaultValue
    public var avifEffort = ProcessOptions.Spec.avifEffort.defaultValue
    public init() {}
}

extension ProcessOptions {
    /// The declarations. Names are what users type: `--margin 8`, `margin=8`.
    public enum Spec {
        public static let clutter = OptionSpec.number("clutter-threshold", 0...1, default: 0.3,
            help: "Drop separate blobs smaller than this fraction of the largest one")
        public static let separateTouching = OptionSpec.flag("separate-touching", default: true,
            help: "Cut clutter that touches the product at a colour edge: keep what stands on the product's ground line")
        public static let secondLook = OptionSpec.flag("second-look", default: false,
            help: "Run the model again on a crop around the product and join the two masks: sharper edges, twice the inference time")
        public static let decontaminate = OptionSpec.flag("decontaminate", default: true,
            help: "Remove the old background's colour from edge pixels")
        public static let edgeLow = OptionSpec.number("matte-edge-low", 0...1, default: 0.3,
            help: "Matte values at or below this become fully transparent")
        public static let edgeHigh = OptionSpec.number("matte-edge-high", 0...1, default: 0.7,
            help: "Matte values at or above this become fully opaque")
        public static let qaMinCoverage = OptionSpec.number("qa-min-coverage", 0...1, default: 0.005,
            help: "Fail QA when the product covers less of the frame than this")
        public static let qaMaxCoverage = OptionSpec.number("qa-max-coverage", 0...1, default: 0.95,
            help: "Fail QA when the product covers more of the frame than this")
        public static let qaMaxUncertainty = OptionSpec.number("qa-max-uncertainty", 0...1, default: 0.6,
            help: "Fail QA when this share of the product's matte is unsure (between 0.2 and 0.8)")
        public static let size = OptionSpec<PixelSize>(name: "size", expected: "WIDTHxHEIGHT between 16x16 and 8000x8000",
            default: PixelSize(width: 1500, height: 1500), help: "Canvas size", describe: { $0.description }) {
            PixelSize(parsing: $0, in: 16...8000)
        }
        public static let margin = OptionSpec.number("margin", 0...45, default: 12,
            help: "Space around the product, in percent of the canvas on every side")
        public static let align = OptionSpec.choice("align", default: Alignment.center,
            help: "Where the product sits on the canvas")
        public static let background = OptionSpec<BackgroundSpec>(name: "background",
            expected: "#RRGGBB, transparent, linear-gradient([ANGLEdeg,] #RRGGBB, #RRGGBB), radial-gradient(#RRGGBB, #RRGGBB), a preset name, custom, or a prompt",
            default: .solid(.white), help: "Canvas background", describe: { $0.description },
            canonical: { $0.canonicalText }) {
            BackgroundSpec(parsing: $0)
        }
        public static let backgroundPrompt = OptionSpec<String?>.text("background-prompt", maxLength: BackgroundSpec.maxPromptLength,
            help: "Words describing the scene for the generative backend; the same as a prompt given to --background")
        public static let shadow = OptionSpec<ShadowKind?>.optionalChoice("shadow",
            unset: "the background's (soft; natural on floors)", help: "Shadow beneath the product")
        public static let seed = OptionSpec<UInt64>(name: "seed", expected: "integer between 0 and 4294967295",
            default: 1, help: "Varies procedural scenes; the same seed draws the same scene", describe: { String($0) }) {
            UInt64($0).flatMap { $0 <= UInt64(UInt32.max) ? $0 : nil }
        }
        public static let straighten = OptionSpec.flag("straighten", default: false,
            help: "Level a product whose long axis is within 15° of vertical or horizontal; round ones are left alone")
        public static let watermark = OptionSpec<String?>.text("watermark", maxLength: 200,
            help: "Watermark text")
        public static let watermarkOpacity = OptionSpec.number("watermark-opacity", 0...1, default: 0.4,
            help: "Watermark opacity")
        public static let watermarkPosition = OptionSpec.choice("watermark-position", default: WatermarkPosition.bottomRight,
            help: "Watermark corner")
        public static let watermarkSize = OptionSpec.number("watermark-size", 1...50, default: 4,
            help: "Watermark height in percent of the canvas height")
        public static let watermarkFont = OptionSpec<String>(name: "watermark-font", expected: "a font family name",
            default: "DejaVu Sans Bold", help: "Watermark text font", describe: { $0 }) {
            $0.isEmpty || $0.count > 100 ? nil : $0
        }
        public static let frame = OptionSpec.choice("frame", default: Frame.canvas,
            help: "canvas: the product fitted on size with margin; photo: the photo's own frame, the product where it stood; product: cropped to the product plus crop-margin")
        public static let cropMargin = OptionSpec<CropMargin>(name: "crop-margin",
            expected: "1, 2 or 4 lengths in px (at most 500) or % of the product (at most 50)", default: .zero,
            help: "Space around the product with --frame product (top right bottom left, as in CSS)",
            describe: { $0.description }) { CropMargin(parsing: $0) }
        public static let subjectScale = OptionSpec<Double?>(name: "subject-scale",
            expected: "original, or 10% to 100%", default: nil,
            help: "With --frame photo or product: the product's size as a share of the frame", describe: {
                $0.map { OptionSpec<Double>.format($0 * 100) + "%" } ?? "original"
            }) { raw in
            if raw.lowercased() == "original" { return .some(nil) }
            guard case .percent(let value)? = Length(parsing: raw), (10...100).contains(value) else { return nil }
            return .some(value / 100)
        }
        public static let subjectPosition = OptionSpec<SubjectPosition>(name: "subject-position",
            expected: "original, center, or x% [y%] from 0% to 100%", default: .original,
            help: "With --frame photo or product: where the product sits in the frame", describe: { $0.description }) {
            SubjectPosition(parsing: $0)
        }
        public static let region = OptionSpec<RegionOfInterest?>(name: "region",
            expected: "x1 y1 x2 y2 in px or %", default: nil,
            help: "Only this part of the photo may be product; the rest is background",
            describe: { $0?.description ?? "the whole photo" }) { raw in RegionOfInterest(parsing: raw).map { .some($0) } }
        public static let textOverlay = OptionSpec.choice("text-overlay", default: TextOverlayPolicy.ignore,
            help: "Text or a watermark over the photo's background: ignore, flag it in the notes, or refuse the photo")
        public static let photoMegapixels = OptionSpec.number("photo-megapixels", 0.01...100, default: 100,
            help: "With --frame photo or product: the most megapixels the photo is rendered at (never enlarged)")
        public static let matteHints = OptionSpec<MatteHints?>(name: "matte-hints",
            expected: "up to 50 of remove:X,Y or keep:X,Y (fractions of the photo), separated by ;", default: nil,
            help: "Points that are background (remove) or product (keep); each grows over its colour",
            describe: { $0?.description ?? "none" }) { raw in MatteHints(parsing: raw).map { .some($0) } }
        public static let channels = OptionSpec.choice("channels", default: Channels.rgba,
            help: "rgba; alpha: the product's matte alone, one grey band; split: the colour bands, and the matte as a second PNG")
        public static let format = OptionSpec<[OutputFormat]>(name: "format",
            expected: "a comma list of jpeg, webp, avif, png", default: [.jpeg, .webp],
            help: "Output formats", describe: { $0.map(\.rawValue).joined(separator: ",") }) {
            OutputFormat.parseList($0)
        }
        public static let jpegQuality = OptionSpec.integer("jpeg-quality", 1...100, default: 88, help: "JPEG quality")
        public static let jpegProgressive = OptionSpec.flag("jpeg-progressive", default: false,
            help: "Progressive JPEG: about 6% smaller, 40% slower to encode, slower to decode on phones")
        public static let webpQuality = OptionSpec.integer("webp-quality", 1...100, default: 80, help: "WebP quality")
        public static let webpEffort = OptionSpec.integer("webp-effort", 0...6, default: 2,
            help: "WebP encoder effort: 2 is 2.4x faster than 4 for files about 9% larger")
        public static let avifQuality = OptionSpec.integer("avif-quality", 1...100, default: 50, help: "AVIF quality")
        public static let avifEffort = OptionSpec.integer("avif-effort", 0...9, default: 2,
            help: "AVIF encoder effort: higher is smaller and slower")
    }

    public static let catalog = OptionCatalog<ProcessOptions>([
        OptionBinding(Spec.size, \.canvas),
        OptionBinding(Spec.margin, \.marginPercent),
        OptionBinding(Spec.align, \.alignment),
        OptionBinding(Spec.background, \.background),
        OptionBinding(Spec.backgroundPrompt, \.backgroundPrompt),
        OptionBinding(Spec.shadow, \.shadow),
        OptionBinding(Spec.seed, \.seed),
        OptionBinding(Spec.straighten, \.straighten),
        OptionBinding(Spec.frame, \.framing.frame),
        OptionBinding(Spec.cropMargin, \.framing.cropMargin),
        OptionBinding(Spec.subjectScale, \.framing.subjectScale),
        OptionBinding(Spec.subjectPosition, \.framing.position),
        OptionBinding(Spec.region, \.framing.region),
        OptionBinding(Spec.matteHints, \.matteHints),
        OptionBinding(Spec.textOverlay, \.textOverlay),
        OptionBinding(Spec.photoMegapixels, \.framing.maxMegapixels),
        OptionBinding(Spec.format, \.formats),
        OptionBinding(Spec.channels, \.channels),
        OptionBinding(Spec.jpegQuality, \.quality.jpeg),
        OptionBinding(Spec.jpegProgressive, \.quality.jpegProgressive),
        OptionBinding(Spec.webpQuality, \.quality.webp),
        OptionBinding(Spec.webpEffort, \.quality.webpEffort),
        OptionBinding(Spec.avifQuality, \.quality.avif),
        OptionBinding(Spec.avifEffort, \.quality.avifEffort),
        OptionBinding(Spec.watermark, \.watermark.text),
        OptionBinding(Spec.watermarkOpacity, \.watermark.opacity),
        OptionBinding(Spec.watermarkPosition, \.watermark.position),
        OptionBinding(Spec.watermarkSize, \.watermark.sizePercent),
        OptionBinding(Spec.watermarkFont, \.watermark.font),
        OptionBinding(Spec.clutter, \.matte.clutterThreshold),
        OptionBinding(Spec.separateTouching, \.matte.separateTouching),
        OptionBinding(Spec.secondLook, \.matte.secondLook),
        OptionBinding(Spec.decontaminate, \.matte.decontaminate),
        OptionBinding(Spec.edgeLow, \.matte.edgeLow),
        OptionBinding(Spec.edgeHigh, \.matte.edgeHigh),
        OptionBinding(Spec.qaMinCoverage, \.qa.minCoverage),
        OptionBinding(Spec.qaMaxCoverage, \.qa.maxCoverage),
        OptionBinding(Spec.qaMaxUncertainty, \.qa.maxUncertainty),
    ])

    /// Validates raw name/value pairs into options: the one entry point for every adapter.
    public static func resolve(_ values: [(name: String, value: String)], over base: ProcessOptions = ProcessOptions())
        throws -> ProcessOptions {
        try catalog.resolve(values, over: base).validated()
    }

    /// What these options render, canonically: every declared option's resolved value in
    /// declaration order (not the order or spelling it was given in), and the watermark
    /// image's digest. The same text is the same picture from the same input and engine.
    public var canonicalText: String {
        var lines = Self.catalog.bindings.map { "\($0.name)=\($0.canonicalValue(of: self))" }
        if let image = watermark.image { lines.append("watermark-image=" + SHA256.hash(data: image).hex) }
        if let image = backgroundImage { lines.append("background-image=" + SHA256.hash(data: image).hex) }
        return lines.joined(separator: "\n")
    }

    /// The one fingerprint of a render, for deduplication by the service and by batches:
    /// 32 hex digits of SHA-256 over the input's name (its content digest), these options'
    /// canonical text, and whatever else decides the result (`extra`: the engine, a webhook).
    public func fingerprint(input: String? = nil, extra: [String] = []) -> String {
        let text = ([input ?? "", canonicalText] + extra).joined(separator: "\n--\n")
        return SHA256.hash(data: Data(text.utf8)).prefix(16).hex
    }
}

extension DecodeLimits {
    var maxInputMegabytes: Int {
        get { maxInputBytes / 1_000_000 }
        set { maxInputBytes = newValue * 1_000_000 }
    }
    var maxMegapixels: Int {
        get { maxPixels / 1_000_000 }
        set { maxPixels = newValue * 1_000_000 }
    }
}

extension PixelSize {
    /// "1500x1500" (or "1500X1500", "1500*1500"), each side within `range`.
    public init?(parsing text: String, in range: ClosedRange<Int>) {
        let parts = text.lowercased().split(whereSeparator: { $0 == "x" || $0 == "*" })
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]),
              range.contains(width), range.contains(height) else { return nil }
        self.init(width: width, height: height)
    }
}
