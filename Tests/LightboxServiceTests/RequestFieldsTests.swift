import Foundation
import LightboxCore
import NIOCore
import Testing

@testable import LightboxService

@Suite struct RequestFieldsTests {
    @Test func aFormEncodedBodyIsDecodedPlusesAndPercentsAlike() throws {
        let fields = try RequestFields(body: ByteBuffer(string: "size=preview&bg_color=%2381d4fa&roi=0%25+0%25+50%25+100%25&crop="),
                                       contentType: "application/x-www-form-urlencoded; charset=utf-8")
        #expect(fields.text("size") == "preview" && fields.text("bg_color") == "#81d4fa")
        #expect(fields.text("roi") == "0% 0% 50% 100%" && fields.text("crop") == "")
        #expect(throws: LightboxError.self) {
            try RequestFields(body: ByteBuffer(string: "a=%zz"), contentType: "application/x-www-form-urlencoded")
        }
    }

    @Test func aFlatJSONObjectGivesTextFieldsAndAnythingElseIsRefused() throws {
        let fields = try RequestFields(body: ByteBuffer(string: #"{"crop": true, "seed": 7, "scale": "50%", "x": null, "m": 1.5}"#),
                                       contentType: "application/json")
        #expect(fields.text("crop") == "true" && fields.text("seed") == "7" && fields.text("scale") == "50%")
        #expect(fields.text("m") == "1.5" && fields.first("x") == nil, "null is as if not sent")
        for body in [#"[1, 2]"#, #"{"a": {"b": 1}}"#, #"{"a": [1]}"#, "not json"] {
            #expect(throws: LightboxError.self, "\(body)") {
                try RequestFields(body: ByteBuffer(string: body), contentType: "application/json")
            }
        }
    }

    @Test func anotherContentTypeIs415() {
        for type in ["text/plain", "image/jpeg", nil] as [String?] {
            #expect {
                try RequestFields(body: ByteBuffer(string: "x"), contentType: type)
            } throws: { ($0 as? LightboxError)?.code == .unsupportedMediaType }
        }
    }
}
