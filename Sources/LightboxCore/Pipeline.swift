import Foundation

/// One named stage of the pipeline. Steps read and extend the context; they do no I/O.
public protocol PipelineStep: Sendable {
    var name: String { get }
    /// Whether the step has work to do for these options; skipped steps are not timed.
    func isEnabled(for options: ProcessOptions) -> Bool
    func run(_ context: inout PipelineContext) throws
}

extension PipelineStep {
    public func isEnabled(for options: ProcessOptions) -> Bool { true }
}

/// What the process shares between images: the loaded model, and the scene generator
/// with what to draw when it cannot answer.
public struct PipelineServices: Sendable {
    public var segmenter: Segmenter
    public var generator: (any SceneGenerator)?
    public var generatorFallback: GeneratorFallback
    /// Recent masks, for a service whose review page previews fixes; nil segments every time.
    public var masks: MaskCache?

    public init(segmenter: Segmenter, generator: (any SceneGenerator)? = nil,
                generatorFallback: GeneratorFallback = .promptWords, masks: MaskCache? = nil) {
        self.segmenter = segmenter
        self.generator = generator
        self.generatorFallback = generatorFallback
        self.masks = masks
    }
}

/// The state one image accumulates as it moves through the steps.
public struct PipelineContext {
    public let input: Data
    /// Fixed for a run; a preset sheet varies it between renderings of one product.
    public internal(set) var options: ProcessOptions
    public let services: PipelineServices

    public var sourceFormat: ImageFormat?
    /// The input's size as stored, before orientation and shrink-on-load.
    public var sourceSize: PixelSize?
    /// Upright 8-bit sRGB pixels at working resolution; released once the matte is refined.
    public var image: VipsImage?
    public var mask: SegmentationMask?
    /// 8-bit alpha of the product at working resolution.
    public var matte: VipsImage?
    /// The product's colour, with the old background taken out of edge pixels.
    public var foreground: VipsImage?
    public var qa: QAReport?
    public var textOverlay: TextOverlay?
    public var cutout: EncodedImage?
    /// Where the product goes when the photo or the product frames the output (`FramePhoto`).
    public var placement: PixelRect?
    public var product: PlacedProduct?
    /// What the background argument came to: its floor and default shadow.
    public var background: ResolvedBackground?
    public var canvas: VipsImage?
    public var outputs: [EncodedImage] = []
    public var notes: [String] = []

    public init(input: Data, options: ProcessOptions, services: PipelineServices) {
        self.input = input
        self.options = options
        self.services = services
    }

    /// A value an earlier step must have set; a missing one is a bug in the step list.
    public func required<T>(_ value: T?, _ what: String) throws -> T {
        guard let value else { throw LightboxError(.internal, "pipeline step order: no \(what) yet") }
        return value
    }
}

public struct StepTiming: Sendable, Codable, Equatable {
    public let step: String
    public let milliseconds: Double
}

/// Everything a caller needs to report one image, success or failure.
public struct PipelineOutcome: Sendable {
    public var outputs: [EncodedImage]
    public var cutout: EncodedImage?
    public var qa: QAReport?
    public var timings: [StepTiming]
    public var error: LightboxError?
    public var sourceFormat: ImageFormat?
    public var sourceSize: PixelSize?
    public var workingSize: PixelSize?
    public var backend: String?
    public var notes: [String]
    /// The product's box on the output.
    public var productFrame: PixelRect?
    public var textOverlay: TextOverlay?

    public var succeeded: Bool { error == nil }
}

public struct Pipeline: Sendable {
    public let steps: [any PipelineStep]

    public init(steps: [any PipelineStep]) {
        self.steps = steps
    }

    /// The studio-shot pipeline, in order.
    public static let standard = Pipeline(steps: [
        Decode(), Orient(), ColourManage(), Segment(), SecondLook(), ApplyHints(), FindTextOverlay(), RefineMatte(), ClipToRegion(), Straighten(), Cutout(),
        QualityCheck(), FramePhoto(), Background(), Fit(), Shadow(), Composite(), Watermark(), Encode(),
    ])

    public func run(_ input: Data, options: ProcessOptions, services: PipelineServices) -> PipelineOutcome {
        var context = PipelineContext(input: input, options: options, services: services)
        var run = StepRun()
        run.perform(steps, on: &context)
        return run.outcome(of: context)
    }

    /// One photo in several variants (a catalogue's store views, say). The steps up to and
    /// including `Segment` depend only on the photo and the canvas size, so they run once,
    /// with the largest canvas; the rest runs once per variant. Outcomes follow `variants`.
    public func run(_ input: Data, variants: [ProcessOptions], services: PipelineServices) -> [PipelineOutcome] {
        guard let first = variants.first, variants.count > 1,
              let split = steps.firstIndex(where: { $0 is Segment }).map({ $0 + 1 }),
              variants.allSatisfy({ !$0.wantsCutout && !$0.keepFullResolution }) else {
            return variants.map { run(input, options: $0, services: services) }
        }
        var shared = first
        shared.canvas = variants.map(\.canvas).max { $0.longSide < $1.longSide }!
        var context = PipelineContext(input: input, options: shared, services: services)
        var sharedRun = StepRun()
        sharedRun.perform(steps[..<split], on: &context)
        return variants.map { options in
            var variant = context, run = sharedRun
            variant.options = options
            if run.failure == nil { run.perform(steps[split...], on: &variant) }
            return run.outcome(of: variant)
        }
    }
}

/// Timings, the first failure and the working size of a run through some steps.
private struct StepRun {
    var timings: [StepTiming] = []
    var failure: LightboxError?
    var workingSize: PixelSize?

    mutating func perform(_ steps: some Collection<any PipelineStep>, on context: inout PipelineContext) {
        let clock = ContinuousClock()
        for step in steps where step.isEnabled(for: context.options) {
            let started = clock.now
            do {
                try step.run(&context)
            } catch let error as LightboxError {
                failure = error
            } catch {
                failure = LightboxError(.internal, "The \(step.name) step failed", detail: "\(error)")
            }
            timings.append(StepTiming(step: step.name, milliseconds: (clock.now - started).milliseconds))
            if let image = context.image { workingSize = image.size }
            if failure != nil { break }
        }
    }

    func outcome(of context: PipelineContext) -> PipelineOutcome {
        PipelineOutcome(
            outputs: failure == nil ? context.outputs : [], cutout: context.cutout, qa: context.qa,
            timings: timings, error: failure, sourceFormat: context.sourceFormat, sourceSize: context.sourceSize,
            workingSize: workingSize, backend: context.mask?.backend, notes: context.notes,
            productFrame: context.product?.frame, textOverlay: context.textOverlay)
    }
}

extension Duration {
    public var milliseconds: Double {
        let parts = components
        return Double(parts.seconds) * 1000 + Double(parts.attoseconds) / 1e15
    }
}
