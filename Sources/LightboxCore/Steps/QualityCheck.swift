/// Catches catastrophic segmentation (nothing found, everything found, a model that
/// cannot decide) and records the cutout's quality either way. Small products pass:
/// a ring may cover 1% of the frame.
public struct QualityCheck: PipelineStep {
    public let name = "qa"

    /// A raw model response this weak means the model saw no object at all.
    static let minimumPeak = 0.05

    public init() {}

    public func run(_ context: inout PipelineContext) throws {
        let mask = try context.required(context.mask, "segmentation mask")
        let limits = context.options.qa
        let coverage = try mask.image.compared(.atLeast, 0.5).average() / 255
        let aboveLow = try mask.image.compared(.more, 0.2).average() / 255
        let aboveHigh = try mask.image.compared(.atLeast, 0.8).average() / 255
        let uncertainty = aboveLow > 0 ? (aboveLow - aboveHigh) / aboveLow : 1
        var report = QAReport(coverage: coverage, uncertainty: uncertainty, peak: mask.rawPeak)
        report.touchesEdge = try Self.touchesEdge(mask.image)
        report.failure = Self.failure(report, limits)
        context.qa = report
        if let failure = report.failure { throw LightboxError(.qaFailed, failure) }
    }

    /// Whether the product reaches the photo's border: cut off by the framing, or joined to
    /// something that runs out of the frame (a counter, a cloth). Worth a person's look.
    static func touchesEdge(_ mask: VipsImage) throws -> Bool {
        guard let box = try Fit.bounds(of: mask.compared(.atLeast, 0.5)) else { return false }
        return box.x == 0 || box.y == 0 || box.x + box.width == mask.size.width || box.y + box.height == mask.size.height
    }

    static func failure(_ report: QAReport, _ limits: QAThresholds) -> String? {
        if report.peak < minimumPeak || report.coverage < limits.minCoverage {
            return "No product found: it covers \(percent(report.coverage)) of the frame "
                + "(minimum \(percent(limits.minCoverage)))"
        }
        if report.coverage > limits.maxCoverage {
            return "The cutout covers \(percent(report.coverage)) of the frame (maximum \(percent(limits.maxCoverage))): "
                + "the background was not found"
        }
        if report.uncertainty > limits.maxUncertainty {
            return "The model is unsure: \(percent(report.uncertainty)) of the product's matte lies between 0.2 and 0.8 "
                + "(maximum \(percent(limits.maxUncertainty)))"
        }
        return nil
    }

    private static func percent(_ fraction: Double) -> String {
        String(format: "%.1f%%", fraction * 100)
    }
}

/// How a cutout looked to QA. `score` is 1 for a decisive matte, 0 for an undecided one.
public struct QAReport: Sendable, Codable, Equatable {
    public var coverage: Double
    public var uncertainty: Double
    public var peak: Double
    public var failure: String?
    /// The product reaches the photo's border.
    public var touchesEdge = false

    public var score: Double { max(0, min(1, 1 - uncertainty)) }
    public var passed: Bool { failure == nil }

    enum CodingKeys: String, CodingKey {
        case passed, score, coverage, uncertainty, peak, failure
        case touchesEdge = "touches_edge"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(passed, forKey: .passed)
        try container.encode(score, forKey: .score)
        try container.encode(coverage, forKey: .coverage)
        try container.encode(uncertainty, forKey: .uncertainty)
        try container.encode(peak, forKey: .peak)
        try container.encodeIfPresent(failure, forKey: .failure)
        try container.encode(touchesEdge, forKey: .touchesEdge)
    }
}

extension QAReport {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(coverage: try container.decode(Double.self, forKey: .coverage),
                  uncertainty: try container.decode(Double.self, forKey: .uncertainty),
                  peak: try container.decode(Double.self, forKey: .peak),
                  failure: try container.decodeIfPresent(String.self, forKey: .failure))
        touchesEdge = try container.decodeIfPresent(Bool.self, forKey: .touchesEdge) ?? false
    }
}
