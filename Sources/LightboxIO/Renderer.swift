import Foundation
import LightboxCore

/// Read, run the pipeline, write the outputs: the one path that `FileProcessor`, the
/// service's `JobRunner` and `BatchWorker` take. Where the bytes come from and where the
/// files go is the adapter's: a file, a blob, a folder per SKU.
public struct Renderer: Sendable {
    /// The fixes stored for a photo, by `MatteHints.key(for:)`.
    public typealias HintLookup = @Sendable (String) -> MatteHints?

    public let pipeline: Pipeline
    public let services: PipelineServices
    /// Where a person's fixes are kept; they apply to every render of the same photo.
    public let hints: HintLookup?

    public init(pipeline: Pipeline = .standard, services: PipelineServices, hints: HintLookup? = nil) {
        self.pipeline = pipeline
        self.services = services
        self.hints = hints
    }

    /// Hints kept as `hints/<sha256>.txt` in a service's blob store (a folder or a bucket).
    public static func hints(in blobs: any BlobStore) -> HintLookup {
        { key in
            (try? blocking { try await blobs.get(BlobKeys.hints(key)) }).flatMap { $0 }
                .flatMap { MatteHints(parsing: String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
    }

    /// `hints(in:)` for what `--hints` names: a folder or `s3://bucket/prefix?endpoint=…`.
    public static func hints(at location: String) throws -> HintLookup {
        hints(in: try blocking { try await BlobStores.open(location) })
    }

    /// An output and where `write` put it.
    public struct Written: Sendable {
        public let image: EncodedImage
        public let location: String
    }

    public struct Rendering: Sendable {
        /// Nil when the input could not be read.
        public var outcome: PipelineOutcome?
        public var written: [Written]
        public var error: LightboxError?
    }

    /// Outputs are written only when the whole image succeeded. `hintKey` is the photo's
    /// SHA-256 when the caller knows it already (a stored input is named by it).
    public func render(read: () throws -> Data, options: ProcessOptions, hintKey: String? = nil,
                       write: (EncodedImage) throws -> String) -> Rendering {
        let bytes: Data
        do {
            bytes = try read()
        } catch {
            return Rendering(outcome: nil, written: [], error: Self.failure(error, as: .inputUnreadable))
        }
        var options = options
        if options.matteHints == nil, let hints { options.matteHints = hints(hintKey ?? MatteHints.key(for: bytes)) }
        let outcome = pipeline.run(bytes, options: options, services: services)
        var rendering = Rendering(outcome: outcome, written: [], error: outcome.error)
        guard outcome.error == nil else { return rendering }
        do {
            rendering.written = try Self.write(outcome.outputs, through: write)
        } catch {
            rendering.error = Self.failure(error, as: .outputFailed)
        }
        return rendering
    }

    public static func write(_ outputs: [EncodedImage], through write: (EncodedImage) throws -> String) throws -> [Written] {
        try outputs.map { Written(image: $0, location: try write($0)) }
    }

    /// `error` as it is, or as `code` when it is not one of ours.
    public static func failure(_ error: any Error, as code: LightboxError.Code) -> LightboxError {
        LightboxError.from(error, as: code)
    }
}
