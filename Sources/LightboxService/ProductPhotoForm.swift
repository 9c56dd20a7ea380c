import Foundation
import LightboxCore
import MultipartKit
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
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data"),
              let boundary = Self.boundary(in: contentType) else {
            throw LightboxError(.invalidOption, "Send multipart/form-data with an image field")
        }
        let parts = try Self.parts(of: body, boundary: boundary)
        let text = { (name: String) in
            parts.first { $0.name == name }.map { String(buffer: $0.body).trimmingCharacters(in: .whitespacesAndNewlines) }
        }
        switch (parts.first { $0.name == "image" }, text("image_url")) {
        case (let file?, nil): source = .upload(Data(buffer: file.body))
        case (nil, let url?): source = .url(url)
        case (.some, .some): throw LightboxError(.invalidOption, "Send either image or image_url, not both")
        case (nil, nil):
            throw LightboxError(.missingField, "The image field is missing: upload the photo as a file named image, "
                                + "or give image_url")
        }
        webhookURL = text("webhook_url")
        var options: [JobPayload.Pair] = []
        var priority = 10
        for part in parts where !["image", "image_url", "webhook_url"].contains(part.name ?? "") {
            let name = part.name ?? ""
            let value = String(buffer: part.body).trimmingCharacters(in: .whitespacesAndNewlines)
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

    private static func boundary(in contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    private static func parts(of body: ByteBuffer, boundary: String) throws -> [MultipartPart] {
        let parser = MultipartParser(boundary: boundary)
        var parts: [MultipartPart] = []
        var current = MultipartPart(body: ByteBuffer())
        parser.onHeader = { name, value in current.headers.add(name: name, value: value) }
        parser.onBody = { chunk in current.body.writeBuffer(&chunk) }
        parser.onPartComplete = {
            parts.append(current)
            current = MultipartPart(body: ByteBuffer())
        }
        do {
            try parser.execute(body)
        } catch {
            throw LightboxError(.invalidOption, "The multipart body is malformed")
        }
        return parts
    }
}
