import Foundation
import LightboxCore
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// A multipart/form-data body (RFC 7578) split into its parts. Each part's content is a slice
/// of the received buffer, not a copy. The delimiters are found with `memchr`: a byte-by-byte
/// parser (MultipartKit's) took a fifth of the API's CPU per upload under load.
struct MultipartForm {
    struct Part {
        let name: String
        let filename: String?
        let contentType: String?
        let body: ByteBuffer

        var text: String { String(buffer: body).trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    let parts: [Part]
    /// More parts than any endpoint takes means a hostile or broken client.
    static let maxParts = RequestFields.maxFields

    init(body: ByteBuffer, contentType: String?) throws {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data"),
              let boundary = Self.parameter("boundary", in: contentType), (1...200).contains(boundary.utf8.count) else {
            throw LightboxError(.invalidOption, "Send multipart/form-data with an image field")
        }
        var tooMany = false
        guard let parts = Self.split(body, boundary: boundary, tooMany: &tooMany) else {
            throw tooMany ? LightboxError(.invalidOption, "The multipart body has more than \(Self.maxParts) parts")
                : LightboxError(.invalidOption, "The multipart body is malformed")
        }
        self.parts = parts
    }

    func first(_ name: String) -> Part? { parts.first { $0.name == name } }

    /// The parts between `--boundary` lines, up to the closing `--boundary--`; nil when the
    /// body is cut short, a part has no headers or headers over 8 KiB, or past `maxParts`.
    private static func split(_ body: ByteBuffer, boundary: String, tooMany: inout Bool) -> [Part]? {
        var overCount = false
        defer { tooMany = overCount }
        let dashes = Array("--\(boundary)".utf8)
        let delimiter = Array("\r\n--\(boundary)".utf8)
        let lineBreak = Array("\r\n".utf8), blankLine = Array("\r\n\r\n".utf8)
        let ranges: [(headers: Range<Int>, content: Range<Int>)]? = body.withUnsafeReadableBytes { bytes in
            // memchr for the first byte (vectorised), then memcmp for the rest.
            func find(_ needle: [UInt8], from start: Int) -> Int? {
                guard let base = bytes.baseAddress else { return nil }
                var at = start
                while at + needle.count <= bytes.count {
                    guard let hit = memchr(base + at, Int32(needle[0]), bytes.count - at - needle.count + 1) else { return nil }
                    at = base.distance(to: UnsafeRawPointer(hit))
                    if needle.withUnsafeBytes({ memcmp(base + at, $0.baseAddress!, needle.count) }) == 0 { return at }
                    at += 1
                }
                return nil
            }
            // The first delimiter may open the body; anything before it is a preamble.
            var cursor: Int
            if bytes.starts(with: dashes) {
                cursor = dashes.count
            } else if let first = find(delimiter, from: 0) {
                cursor = first + delimiter.count
            } else {
                return nil
            }
            // Where the line after a delimiter starts, when it is one: `--boundary` then spaces
            // and CRLF (`--boundaryZ` in content is not one).
            func lineAfter(_ at: Int) -> Int? {
                guard let lineEnd = find(lineBreak, from: at),
                      bytes[at..<lineEnd].allSatisfy({ $0 == 0x20 || $0 == 0x09 }) else { return nil }
                return lineEnd + 2
            }
            var found: [(Range<Int>, Range<Int>)] = []
            while true {
                if bytes[cursor...].starts(with: "--".utf8) { return found }
                guard found.count < maxParts else {
                    overCount = true
                    return nil
                }
                guard let headersStart = lineAfter(cursor),
                      let headersEnd = find(blankLine, from: headersStart - 2), headersEnd - headersStart <= 8192 else { return nil }
                var next = headersEnd + 4
                while true {
                    guard let candidate = find(delimiter, from: next) else { return nil }
                    let after = candidate + delimiter.count
                    if bytes[after...].starts(with: "--".utf8) || lineAfter(after) != nil {
                        found.append((headersStart..<max(headersStart, headersEnd), headersEnd + 4..<candidate))
                        cursor = after
                        break
                    }
                    next = candidate + 1
                }
            }
        }
        guard let ranges else { return nil }
        var parts: [Part] = []
        for (headerRange, contentRange) in ranges {
            guard let headers = body.getString(at: body.readerIndex + headerRange.lowerBound, length: headerRange.count),
                  let content = body.getSlice(at: body.readerIndex + contentRange.lowerBound, length: contentRange.count)
            else { return nil }
            var disposition: String?
            var type: String?
            for line in headers.split(separator: "\r\n") {
                let pair = line.split(separator: ":", maxSplits: 1)
                guard pair.count == 2 else { continue }
                switch pair[0].trimmingCharacters(in: .whitespaces).lowercased() {
                case "content-disposition": disposition = String(pair[1])
                case "content-type": type = pair[1].trimmingCharacters(in: .whitespaces)
                default: break
                }
            }
            guard let disposition, disposition.trimmingCharacters(in: .whitespaces).lowercased().hasPrefix("form-data"),
                  let name = parameter("name", in: disposition) else { return nil }
            parts.append(Part(name: name, filename: parameter("filename", in: disposition), contentType: type, body: content))
        }
        return parts
    }

    /// `key=value` or `key="value"` among a header's `;`-separated parameters.
    static func parameter(_ key: String, in header: String) -> String? {
        for parameter in header.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == key {
                return pair[1].count >= 2 && pair[1].hasPrefix("\"") && pair[1].hasSuffix("\"")
                    ? String(pair[1].dropFirst().dropLast()) : pair[1]
            }
        }
        return nil
    }
}
