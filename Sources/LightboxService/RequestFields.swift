import Foundation
import LightboxCore
import NIOCore
import NIOFoundationCompat

/// A request body's named fields, whichever way the client sent them: multipart/form-data
/// (files and text), application/x-www-form-urlencoded, or a flat JSON object (strings,
/// numbers and booleans). The forms of each endpoint read fields from here.
struct RequestFields {
    struct Field {
        let name: String
        /// The raw bytes: a file's content, or the text's UTF-8.
        let data: Data
        let isFile: Bool

        var text: String { String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    let fields: [Field]
    /// Every endpoint takes a dozen fields at most; a prompt is the longest text, but for a
    /// base64 image (remove.bg's `image_file_b64`), which the upload limit bounds instead.
    static let maxFields = 64
    static let maxTextBytes = 64 << 10
    static let imageTextFields: Set<String> = ["image_file_b64"]

    init(body: ByteBuffer, contentType: String?) throws {
        fields = try Self.parse(body: body, contentType: contentType)
        guard fields.count <= Self.maxFields else {
            throw LightboxError(.invalidOption, "The request has \(fields.count) fields; the limit is \(Self.maxFields)")
        }
        if let long = fields.first(where: {
            !$0.isFile && !Self.imageTextFields.contains($0.name) && $0.data.count > Self.maxTextBytes
        }) {
            throw LightboxError(.invalidOption, "The field '\(long.name.prefix(64))' is \(long.data.count) bytes; "
                                + "a text field may be at most \(Self.maxTextBytes)")
        }
    }

    private static func parse(body: ByteBuffer, contentType: String?) throws -> [Field] {
        let type = contentType?.lowercased().split(separator: ";").first?.trimmingCharacters(in: .whitespaces) ?? ""
        switch type {
        case "multipart/form-data":
            return try MultipartForm(body: body, contentType: contentType).parts.map { part in
                // A file stays in the received buffer.
                Field(name: part.name, data: part.body.getData(at: part.body.readerIndex, length: part.body.readableBytes,
                                                               byteTransferStrategy: .noCopy) ?? Data(),
                      isFile: part.filename != nil)
            }
        case "application/x-www-form-urlencoded":
            return try urlEncoded(String(buffer: body))
        case "application/json":
            return try json(Data(buffer: body))
        default:
            throw LightboxError(.unsupportedMediaType, "Send multipart/form-data, application/x-www-form-urlencoded or "
                                + "application/json, not '\(contentType ?? "no Content-Type")'")
        }
    }

    func first(_ name: String) -> Field? { fields.first { $0.name == name } }

    func text(_ name: String) -> String? { first(name)?.text }

    private static func urlEncoded(_ text: String) throws -> [Field] {
        let pairs = text.split(separator: "&", maxSplits: maxFields)
        guard pairs.count <= maxFields else {
            throw LightboxError(.invalidOption, "The request has more than \(maxFields) fields")
        }
        return try pairs.map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decoded(_ part: Substring) throws -> String {
                guard let value = part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding else {
                    throw LightboxError(.invalidOption, "The form body has a malformed percent escape in '\(part.prefix(40))'")
                }
                return value
            }
            let value = parts.count > 1 ? try decoded(parts[1]) : ""
            return Field(name: try decoded(parts[0]), data: Data(value.utf8), isFile: false)
        }
    }

    private static func json(_ data: Data) throws -> [Field] {
        guard let object = try? JSONDecoder().decode([String: Scalar].self, from: data) else {
            throw LightboxError(.invalidOption, "The JSON body must be an object whose values are strings, numbers or booleans")
        }
        return object.sorted { $0.key < $1.key }.compactMap { name, value in
            value.text.map { Field(name: name, data: Data($0.utf8), isFile: false) }
        }
    }

    /// One JSON value of a flat object, as the text a form field would carry.
    private enum Scalar: Decodable {
        case text(String), null

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() { self = .null }
            else if let flag = try? container.decode(Bool.self) { self = .text(flag ? "true" : "false") }
            else if let whole = try? container.decode(Int.self) { self = .text(String(whole)) }
            else if let number = try? container.decode(Double.self) { self = .text(String(number)) }
            else { self = .text(try container.decode(String.self)) }
        }

        var text: String? {
            if case .text(let value) = self { return value }
            return nil
        }
    }
}
