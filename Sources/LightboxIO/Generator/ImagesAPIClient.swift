import AsyncHTTPClient
import Foundation
import LightboxCore
import NIOCore
import NIOFoundationCompat

/// One call to an OpenAI-compatible `POST /v1/images/generations` (a scene from words) or
/// `POST /v1/images/edits` (a new view of a photo), classified into an image, a failure
/// worth retrying (429, 5xx, no answer) or one that is not.
struct ImagesAPIClient: Sendable {
    enum Outcome {
        case image(Data)
        case retryable(LightboxError, retryAfter: Duration?)
        case failed(LightboxError)
    }

    let client: HTTPClient
    let base: URL
    let model: String
    let editModel: String
    let apiKey: Secret?
    let timeout: Duration
    /// A base64 PNG of 1792×1024 is about 5 MB; anything far larger is not an image answer.
    static let maxAnswerBytes = 64 << 20

    init(client: HTTPClient, settings: GeneratorSettings, baseURL: URL) {
        self.client = client
        base = baseURL
        model = settings.model
        editModel = settings.editModel
        apiKey = settings.apiKey
        timeout = .milliseconds(Int64(settings.timeoutSeconds * 1000))
    }

    func generate(prompt: String, size: PixelSize, now: Date) -> Outcome {
        let body: [String: Any] = [
            "model": model, "prompt": prompt, "size": size.description, "n": 1, "response_format": "b64_json",
        ]
        return call("v1/images/generations", now: now,
                    body: (type: "application/json", data: try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])))
    }

    /// `photo` as the model sees it in `prompt`'s words. gpt-image models always answer
    /// base64 and refuse `response_format`; older ones need it.
    func edit(photo: Data, prompt: String, size: PixelSize, now: Date) -> Outcome {
        var fields = [("model", editModel), ("prompt", prompt), ("size", size.description), ("n", "1")]
        if !editModel.hasPrefix("gpt-image") { fields.append(("response_format", "b64_json")) }
        let form = MultipartBody.photo(photo, field: "image", fields: fields)
        return call("v1/images/edits", now: now, body: (type: form.contentType, data: form.data))
    }

    private func call(_ path: String, now: Date, body: @autoclosure () throws -> (type: String, data: Data)) -> Outcome {
        let sent = ServiceCall.send(on: client, timeout: timeout, maxBytes: Self.maxAnswerBytes) {
            var request = try HTTPClient.Request(url: base.appendingPathComponent(path).absoluteString, method: .POST)
            let (type, data) = try body()
            request.headers.add(name: "Content-Type", value: type)
            request.headers.add(name: "Accept", value: "application/json")
            if let apiKey { request.headers.add(name: "Authorization", value: "Bearer \(apiKey.value)") }
            request.body = .data(data)
            return request
        }
        let response: HTTPClient.Response
        switch sent {
        case .success(let answer): response = answer
        case .failure(let failure):
            let error = unavailable(redacted(failure.what))
            return failure.isRetryable ? .retryable(error, retryAfter: nil) : .failed(error)
        }
        let status = Int(response.status.code)
        let payload = response.body.map { Data(buffer: $0) } ?? Data()
        switch status {
        case 200..<300:
            return decodeImage(payload).map(Outcome.image) ?? .failed(unavailable("answered HTTP \(status) with malformed JSON "
                                                                                 + "(no data[0].b64_json image)"))
        case 429, 500..<600:
            let retryAfter = response.headers.first(name: "Retry-After").flatMap { Backoff.parseRetryAfter($0, now: now) }
            return .retryable(unavailable("answered HTTP \(status)\(serviceMessage(payload))"), retryAfter: retryAfter)
        case 401, 403:
            return .failed(unavailable("refused the API key (HTTP \(status))"))
        case 400, 422:
            return .failed(LightboxError(.generatorRejected, "The generator refused the prompt (HTTP \(status))"
                                         + serviceMessage(payload)))
        default:
            return .failed(unavailable("answered HTTP \(status)\(serviceMessage(payload))"))
        }
    }

    private func unavailable(_ what: String) -> LightboxError {
        LightboxError(.generatorUnavailable, "The generator at \(base.host ?? "?") \(what)")
    }

    private func decodeImage(_ payload: Data) -> Data? {
        struct Answer: Decodable {
            struct Item: Decodable { let b64_json: String? }
            let data: [Item]
        }
        guard let answer = try? JSONDecoder().decode(Answer.self, from: payload),
              let encoded = answer.data.first?.b64_json else { return nil }
        return Data(base64Encoded: encoded, options: .ignoreUnknownCharacters)
    }

    /// `: message` from an OpenAI-style `{"error": {"message": …}}`, short and without the key.
    private func serviceMessage(_ payload: Data) -> String {
        struct Failure: Decodable {
            struct Detail: Decodable { let message: String? }
            let error: Detail
        }
        guard let message = (try? JSONDecoder().decode(Failure.self, from: payload))?.error.message,
              !message.isEmpty else { return "" }
        return ": " + redacted(String(message.prefix(300)))
    }

    private func redacted(_ text: String) -> String { apiKey?.redacting(text) ?? text }
}
