import Foundation
import Testing

@testable import LightboxIO

/// AWS's published Signature Version 4 vectors: two from the SigV4 test suite
/// (get-vanilla, get-vanilla-query-order-key-case) and two from the S3 documentation's
/// examples (GET object with a range; a presigned URL).
@Suite struct SigV4SignerTests {
    let suite = SigV4Signer(credentials: .init(accessKeyID: "AKIDEXAMPLE",
                                               secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
                            region: "us-east-1", service: "service")
    let s3 = SigV4Signer(credentials: .init(accessKeyID: "AKIAIOSFODNN7EXAMPLE",
                                            secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                         region: "us-east-1")
    /// 2015-08-30T12:36:00Z and 2013-05-24T00:00:00Z.
    let suiteDate = Date(timeIntervalSince1970: 1_440_938_160)
    let s3Date = Date(timeIntervalSince1970: 1_369_353_600)

    @Test func getVanilla() {
        let headers = suite.sign(method: "GET", url: URL(string: "https://example.amazonaws.com/")!,
                                 headers: ["Host": "example.amazonaws.com"], payloadHash: SigV4Signer.emptyPayloadHash,
                                 date: suiteDate)
        #expect(headers["x-amz-date"] == "20150830T123600Z")
        #expect(headers["authorization"] == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                + "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
    }

    @Test func getVanillaQueryOrderKeyCase() {
        let headers = suite.sign(method: "GET", url: URL(string: "https://example.amazonaws.com/?Param2=value2&Param1=value1")!,
                                 headers: ["Host": "example.amazonaws.com"], payloadHash: SigV4Signer.emptyPayloadHash,
                                 date: suiteDate)
        #expect(headers["authorization"]?.hasSuffix(
            "Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500") == true)
    }

    @Test func s3GetObjectWithARange() {
        let headers = s3.sign(method: "GET", url: URL(string: "https://examplebucket.s3.amazonaws.com/test.txt")!,
                              headers: ["host": "examplebucket.s3.amazonaws.com", "range": "bytes=0-9",
                                        "x-amz-content-sha256": SigV4Signer.emptyPayloadHash],
                              payloadHash: SigV4Signer.emptyPayloadHash, date: s3Date)
        #expect(headers["authorization"] == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test func s3PresignedURL() {
        let url = s3.presign(url: URL(string: "https://examplebucket.s3.amazonaws.com/test.txt")!, expires: 86400, date: s3Date)
        #expect(url.absoluteString == "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                + "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z"
                + "&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
                + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
    }

    @Test func pathSegmentsAreEncodedOnceAndQueriesSorted() {
        #expect(SigV4Signer.canonicalPath(URL(string: "https://h/a%20b/c~d")!) == "/a%20b/c~d")
        #expect(SigV4Signer.canonicalQuery(URL(string: "https://h/?b=2&a=x%2Fy&a=1")!) == "a=1&a=x%2Fy&b=2")
    }
}
