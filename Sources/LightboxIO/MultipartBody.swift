import Foundation
import LightboxCore

/// A `multipart/form-data` request body: text fields, then one file.
struct MultipartBody {
    let boundary = "lightbox-" + UUID().uuidString
    var fields: [(name: String, value: String)]
    var file: (field: String, fileName: String, mediaType: String, data: Data)

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    var data: Data {
        var body = Data()
        for (name, value) in fields {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        body.append(Data(("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; "
                          + "filename=\"\(file.fileName)\"\r\nContent-Type: \(file.mediaType)\r\n\r\n").utf8))
        body.append(file.data)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        return body
    }

    /// A photo as a file part named for its sniffed type (`photo.jpeg`); never a client's name.
    static func photo(_ data: Data, field: String, fields: [(name: String, value: String)]) -> MultipartBody {
        let format = ImageFormat.sniff(data)
        let name = format?.rawValue ?? "jpeg"
        return MultipartBody(fields: fields, file: (field, "photo.\(name)", format?.mediaType ?? "image/jpeg", data))
    }
}
