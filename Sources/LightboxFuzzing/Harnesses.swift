#if DEBUG
import Foundation
@testable import LightboxCore
@testable import LightboxBatch
@testable import LightboxService
import NIOCore

extension FuzzHarness {
    /// What a stranger's upload meets first: the header probe, the decode with its limits,
    /// orientation and the colour profile. Limits are small so one input stays well under 1 s.
    static let decode = FuzzHarness(name: "decode", maxInputBytes: 64 * 1024) { data in
        var options = ProcessOptions()
        options.limits.maxInputBytes = 1_000_000
        options.limits.maxPixels = 2_000_000
        var context = PipelineContext(input: data, options: options,
                                      services: PipelineServices(segmenter: Segmenter(model: SegmentationModel(name: "none", inputSize: PixelSize(width: 32, height: 32)), backend: NoModel())))
        do {
            for step: any PipelineStep in [Decode(), Orient(), ColourManage()] { try step.run(&context) }
            guard let image = context.image, image.size.width > 0, image.size.height > 0 else {
                FuzzInvariant.fail("decode", "a decode succeeded with no pixels")
            }
            return .accepted
        } catch {
            return FuzzInvariant.publicError(error, in: "decode", input: data)
        }
    }

    /// A model file named by path: our protobuf reader and the static graph built from it.
    static let onnx = FuzzHarness(name: "onnx", maxInputBytes: 16 * 1024) { data in
        do {
            let model = try ONNXModel(parsing: data)
            _ = try StaticGraph(model: model, inputSize: PixelSize(width: 32, height: 32), outputIndex: 0)
            return .accepted
        } catch {
            return FuzzInvariant.publicError(error, in: "onnx", input: data, allowing: [ONNXError.self])
        }
    }

    /// The API's request body: the first byte picks the content type, the rest is the body,
    /// read into fields and then into the product-photo endpoint's validated options.
    static let requestFields = FuzzHarness(name: "request-fields", maxInputBytes: 16 * 1024) { data in
        guard let kind = data.first else { return .rejected("empty") }
        let types = ["multipart/form-data; boundary=lightboxfuzz", "application/x-www-form-urlencoded",
                     "application/json", "multipart/form-data; boundary=\"quoted boundary\""]
        let contentType = types[Int(kind) % types.count]
        let body = ByteBuffer(bytes: data.dropFirst())
        do {
            let fields = try RequestFields(body: body, contentType: contentType)
            var limits = DecodeLimits()
            limits.maxPixels = 2_000_000
            _ = try ProductPhotoForm(fields: fields, endpoint: .productPhoto, limits: limits)
            return .accepted
        } catch {
            return FuzzInvariant.publicError(error, in: "request-fields", input: data)
        }
    }

    /// A batch's SOURCE file: the first byte picks a JSONL manifest, a CSV manifest or a
    /// Magento product export (told apart by its header, as `lightbox batch` does).
    static let catalogue = FuzzHarness(name: "catalogue", maxInputBytes: 16 * 1024) { data in
        guard let kind = data.first else { return .rejected("empty") }
        let text = String(decoding: data.dropFirst(), as: UTF8.self)
        let folder = URL(fileURLWithPath: "/nonexistent/catalogue")
        do {
            if kind % 2 == 0 {
                _ = try ManifestSource(folder: folder).items(jsonLines: text)
            } else {
                let rows = try CSVRows(text)
                _ = MagentoExportSource.recognises(rows.header)
                    ? try MagentoExportSource(mediaRoot: folder).items(rows)
                    : try ManifestSource(folder: folder).items(rows)
            }
            return .accepted
        } catch {
            return FuzzInvariant.publicError(error, in: "catalogue", input: data, allowing: [SourceError.self])
        }
    }

    /// A batch template (YAML or JSON), with store views and category sections.
    static let template = FuzzHarness(name: "template", maxInputBytes: 8 * 1024) { data in
        let file = FuzzScratch.folder.appendingPathComponent("template-\(FuzzScratch.threadTag).yaml")
        do {
            try data.write(to: file)
            _ = try BatchTemplate(file: file, options: ProcessOptions())
            return .accepted
        } catch {
            return FuzzInvariant.publicError(error, in: "template", input: data, allowing: [CocoaError.self])
        }
    }

    /// Options as `name=value` lines, resolved and validated as the CLI and API do. What is
    /// accepted is accepted again over itself, to the same render (setting twice changes nothing).
    static let options = FuzzHarness(name: "options", maxInputBytes: 4 * 1024) { data in
        let pairs = String(decoding: data, as: UTF8.self).split(separator: "\n").map { line in
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (name: String(parts[0]), value: parts.count > 1 ? String(parts[1]) : "")
        }
        do {
            let options = try ProcessOptions.resolve(pairs)
            let again: ProcessOptions
            do { again = try ProcessOptions.resolve(pairs, over: options) } catch {
                FuzzInvariant.fail("options", "accepted options are refused over themselves: \(error)")
            }
            guard again.canonicalText == options.canonicalText else {
                FuzzInvariant.fail("options", "setting the same options twice changed the render")
            }
            return .accepted
        } catch {
            return FuzzInvariant.publicError(error, in: "options", input: data)
        }
    }
}

/// Decoding needs a segmenter in its context, never calls it.
private struct NoModel: SegmentationBackend {
    let name = "none"
    func predict(_ input: ModelTensor, outputIndex: Int) throws -> ModelTensor {
        throw LightboxError(.internal, "the decode harness runs no model")
    }
}

/// Where harnesses that read files put their input: one folder per process.
enum FuzzScratch {
    static let folder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lightbox-fuzz-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    static var threadTag: String { String(describing: pthread_self()) }
}
#endif
