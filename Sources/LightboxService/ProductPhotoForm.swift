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
    /// The photo: uploaded, or at a URL to fetch.
    enum Source {
        case upload(Data)
        case url(String)
    }

    let source: Source
    let webhookURL: String?
    let options: [JobPayload.Pair]
    /// The options as the pipeline will read them, for the request's fingerprint.
    let resolved: ProcessOptions
    let priority: Int

    init(body: ByteBuffer, contentType: String?) throws {
        let form = try MultipartForm(body: body, contentType: contentType)
        let parts = form.parts
        let text = { (name: String) in form.first(name)?.text }
        switch (form.first("image"), text("image_url")) {
        // The image's bytes stay in the received buffer.
        case (let file?, nil): source = .upload(file.body.getData(at: file.body.readerIndex, length: file.body.readableBytes,
                                                                  byteTransferStrategy: .noCopy) ?? Data())
        case (nil, let url?): source = .url(url)
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
    }

    /// A preset field takes only preset names (and custom), not colours or prompts.
    private static func preset(_ value: String) -> String {
        ScenePreset(rawValue: value.lowercased()) != nil || value.lowercased() == "custom" ? value : "#"
    }
}
