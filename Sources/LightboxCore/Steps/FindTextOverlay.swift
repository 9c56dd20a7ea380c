/// Looks for text or a watermark over the photo's background (`text-overlay`): on `flag`
/// the outcome says what it found, on `refuse` the photo fails with `text_overlay`. The
/// product's own printing lies on its mask and is not counted.
public struct FindTextOverlay: PipelineStep {
    public let name = "text-overlay"

    public init() {}

    public func isEnabled(for options: ProcessOptions) -> Bool { options.textOverlay != .ignore }

    public func run(_ context: inout PipelineContext) throws {
        let image = try context.required(context.image, "working image")
        let mask = try context.required(context.mask, "segmentation mask")
        guard let overlay = try TextOverlayFinder().find(in: image, product: mask.image) else { return }
        context.textOverlay = overlay
        if context.options.textOverlay == .refuse {
            throw LightboxError(.textOverlay, "The photo carries \(overlay.summary), such as a watermark; "
                                + "a photo with a third-party watermark is not processed")
        }
        context.notes.append("found \(overlay.summary)")
    }
}

/// What to do about text over the photo's background.
public enum TextOverlayPolicy: String, Sendable, CaseIterable, Codable {
    case ignore, flag, refuse
}
