import Foundation
import LightboxCore
import LightboxIO

/// What `--json` prints for one image: one JSON object per line.
struct ImageReport: Encodable {
    struct Output: Encodable {
        let format: String
        let path: String
        let bytes: Int
        let width: Int
        let height: Int
    }

    struct Cutout: Encodable {
        let path: String
        let qaFailed: Bool
    }

    struct Failure: Encodable {
        let code: String
        let message: String
    }

    let input: String
    let status: String
    let outputs: [Output]
    let cutout: Cutout?
    let sourceFormat: String?
    let sourceSize: PixelSize?
    let workingSize: PixelSize?
    let backend: String?
    let timingsMs: [String: Double]
    let qa: QAReport?
    let notes: [String]
    let error: Failure?

    init(_ result: FileResult) {
        let outcome = result.outcome
        input = result.input.path
        status = result.succeeded ? "completed" : "failed"
        outputs = result.written.map {
            Output(format: $0.image.format.rawValue, path: $0.url.path, bytes: $0.image.data.count,
                   width: $0.image.size.width, height: $0.image.size.height)
        }
        cutout = result.cutout.map { Cutout(path: $0.path, qaFailed: outcome?.qa?.passed == false) }
        sourceFormat = outcome?.sourceFormat?.rawValue
        sourceSize = outcome?.sourceSize
        workingSize = outcome?.workingSize
        backend = outcome?.backend
        timingsMs = Dictionary(outcome?.timings.map { ($0.step, ($0.milliseconds * 10).rounded() / 10) } ?? [],
                               uniquingKeysWith: +)
        qa = outcome?.qa
        notes = outcome?.notes ?? []
        error = result.error.map { Failure(code: $0.code.rawValue, message: $0.message) }
    }

    func jsonLine() -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? "{}"
    }
}
