import Crypto
import Foundation
import LightboxCore
import NIOCore
import NIOFoundationCompat

/// `POST /v1/image/product-photo` as multipart form data: the image file and the fields
/// of the one-call product-photo APIs, validated into pipeline options at the boundary.
struct ProductPhotoForm {
    /// API field → pipeline option. Each is validated by the option's own declaration.
    static let fields: [(field: String, option: String)] = [
        ("preset", "background"), ("background_prompt", "background-prompt"), ("shadow_type", "shadow"),
        ("output_format", "format"), ("size", "size"), ("margin", "margin"), ("watermark", "watermark"),
        ("seed", "seed"), ("straighten", "straighten"),
    ]
    /// The photo: uploaded (and checked), or at a URL to fetch.
    enum Source {
        case upload(InputPhoto)
        case url(String)
    }

    let source: Source
    let webhookURL: String?
    let options: [JobPayload.Pair]
    /// The options as the pipeline will read them, for the request's fingerprint.
    let resolved: ProcessOptions
    let priority: Int

    init(body: ByteBuffer, contentType: String?, limits: DecodeLimits) throws {
        let form = try MultipartForm(body: body, contentType: contentType)
        let parts = form.parts
        let text = { (name: String) in form.first(name)?.text }
        // Built last, so that a bad field is named before a bad photo.
        let makeSource: () throws -> Source
        switch (form.first("image"), text("image_url")) {
        case (let file?, nil):
            // The image's bytes stay in the received buffer.
            let data = file.body.getData(at: file.body.readerIndex, length: file.body.readableBytes,
                                         byteTransferStrategy: .noCopy) ?? Data()
            makeSource = { .upload(try InputPhoto(data, limits: limits)) }
        case (nil, let url?): makeSource = { .url(url) }
        case (.some, .some): throw LightboxError(.invalidOption, "Send either image or image_url, not both")
        case (nil, nil):
            throw LightboxError(.missingField, "The image field is missing: upload the photo as a file named image, "
                                + "or give image_url")
        }
        webhookURL = text("webhook_url")
        var options: [JobPayload.Pair] = []
        var priority = 10
        for part in parts where !["image", "image_url", "webhook_url"].contains(part.name) {
            let name = part.name
            let value = part.text
            if name == "priority" {
                guard let level = ["interactive": 10, "batch": 0][value.lowercased()] else {
                    throw LightboxError.invalidOption("priority", expected: "interactive or batch", received: value)
                }
                priority = level
                continue
            }
            guard let option = Self.fields.first(where: { $0.field == name })?.option,
                  let binding = ProcessOptions.catalog.binding(named: option) else {
                throw LightboxError(.invalidOption, "Unknown field '\(name)'; the fields are image, image_url, webhook_url, priority, "
                                    + Self.fields.map(\.field).joined(separator: ", "))
            }
            // Checked one by one so that the error names the field as the client sent it.
            var probe = ProcessOptions()
            do {
                try binding.apply(name == "preset" ? Self.preset(value) : value, to: &probe)
            } catch {
                throw LightboxError.invalidOption(name, expected: name == "preset" ? "a preset name or custom" : binding.expected,
                                                  received: value)
            }
            options.append(JobPayload.Pair(name: option, value: value))
        }
        // Combinations (custom needs a prompt, jpeg needs an opaque background).
        resolved = try ProcessOptions.resolve(options.map { (name: $0.name, value: $0.value) })
        self.options = options
        self.priority = priority
        source = try makeSource()
    }

    /// A preset field takes only preset names (and custom), not colours or prompts.
    private static func preset(_ value: String) -> String {
        ScenePreset(rawValue: value.lowercased()) != nil || value.lowercased() == "custom" ? value : "#"
    }
}

/// A photo checked from its header (empty, size, type, damaged header, pixel count) before
/// anything is queued, and named by its content for the blob store.
struct InputPhoto {
    let data: Data
    let name: String

    init(_ data: Data, limits: DecodeLimits) throws {
        _ = try Decode.probe(data, limits: limits)
        self.data = data
        name = SHA256.hash(data: data).hex + ".img"
    }
}
