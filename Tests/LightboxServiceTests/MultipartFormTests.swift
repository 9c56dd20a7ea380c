import Foundation
import LightboxCore
import LightboxTestSupport
import NIOCore
import Testing
@testable import LightboxService

/// The form splitter: what browsers, curl and SDKs send, and what a client gets wrong.
struct MultipartFormTests {
    let jpeg = try! Fixtures.data("lipstick-small.jpg")

    func form(_ body: String, boundary: String = "XyZ") throws -> MultipartForm {
        try MultipartForm(body: ByteBuffer(string: body), contentType: "multipart/form-data; boundary=\(boundary)")
    }

    @Test func anUploadKeepsItsExactBytesAndTheFieldsTheirText() throws {
        let (body, type) = APIClient.multipart(image: jpeg, fields: [("seed", "7"), ("preset", " marble \r\n")])
        let form = try MultipartForm(body: ByteBuffer(data: body), contentType: type)
        #expect(form.parts.map(\.name) == ["image", "seed", "preset"])
        let image = try #require(form.first("image"))
        #expect(Data(buffer: image.body) == jpeg)
        #expect(image.filename != nil)
        #expect(form.first("seed")?.text == "7")
        #expect(form.first("preset")?.text == "marble")
    }

    @Test func contentThatLooksLikeADelimiterIsNotOne() throws {
        // "--XyZ" not at a line start, and "--XyZZ" (another boundary) inside the content.
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\na --XyZ b\r\n--XyZZ c\r\n--XyZ--\r\n"
        #expect(try form(body).first("note")?.text == "a --XyZ b\r\n--XyZZ c")
    }

    @Test func preambleEpilogueQuotesAndHeaderCaseAreAccepted() throws {
        let body = "ignored preamble\r\n--b-1\r\ncontent-disposition: Form-Data; name=\"a\"\r\ncontent-type: text/plain\r\n\r\n"
            + "1\r\n--b-1\r\nContent-Disposition: form-data; name=b; filename=\"x.jpg\"\r\n\r\n\r\n--b-1--\r\nepilogue"
        let form = try MultipartForm(body: ByteBuffer(string: body), contentType: "Multipart/Form-Data; boundary=\"b-1\"")
        #expect(form.parts.map(\.name) == ["a", "b"])
        #expect(form.first("a")?.contentType == "text/plain")
        #expect(form.first("b")?.filename == "x.jpg")
        #expect(form.first("b")?.body.readableBytes == 0)
    }

    @Test(arguments: [
        "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\ncut short",          // no closing delimiter
        "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n",                       // headers never end
        "--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--",                          // no name
        "no delimiter at all",
        "",
    ])
    func aMalformedBodyIsNamedAsSuch(_ body: String) {
        #expect(throws: LightboxError.self) { try form(body) }
        do { _ = try form(body) } catch let error as LightboxError {
            #expect(error.code == .invalidOption && error.message.contains("malformed"))
        } catch { Issue.record("\(error)") }
    }

    @Test func anotherContentTypeOrNoBoundaryIsRefused() {
        for type in ["application/json", "multipart/form-data", "multipart/form-data; boundary="] {
            #expect(throws: LightboxError.self) { try MultipartForm(body: ByteBuffer(string: "{}"), contentType: type) }
        }
    }
}
