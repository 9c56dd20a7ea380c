/// Which results a person should look at before they are published: QA failures, scores
/// under `review-below`, and products touching the photo's edge. The service and batches
/// flag by the same rule.
public struct ReviewPolicy: Sendable {
    public var enabled = Spec.review.defaultValue
    public var below = Spec.reviewBelow.defaultValue

    public init(enabled: Bool = Spec.review.defaultValue, below: Double = Spec.reviewBelow.defaultValue) {
        self.enabled = enabled
        self.below = below
    }

    public enum Spec {
        public static let review = OptionSpec.flag("review", default: false,
            help: "Send QA failures, results scoring below review-below and products touching the photo's edge to the "
                + "review queue; they wait for a person's approval")
        public static let reviewBelow = OptionSpec.number("review-below", 0...1, default: 0.85,
            help: "With --review: the QA score under which a result waits for a person")
    }

    /// Why a person should look at this result (`qa_failed`, `low_score`, `touches_edge`), or nil.
    public func reason(failure: LightboxError?, qa: QAReport?) -> String? {
        guard enabled else { return nil }
        if let failure { return failure.code == .qaFailed ? "qa_failed" : nil }
        guard let qa else { return nil }
        if qa.score < below { return "low_score" }
        return qa.touchesEdge ? "touches_edge" : nil
    }
}
