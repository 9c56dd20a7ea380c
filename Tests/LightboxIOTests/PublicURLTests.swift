import Foundation
import Hummingbird
import LightboxCore
import LightboxTestSupport
import Testing

@testable import LightboxIO

/// The URL guard: every spelling of a private address is refused before anything is sent,
/// the address checked is the one connected to, and redirects pass the same check.
@Suite struct PublicURLTests {
    @Test(arguments: [
        "http://127.0.0.1/", "http://2130706433/", "http://0x7f000001/", "http://0177.0.0.1/", "http://127.1/",
        "http://0/", "http://0.0.0.0/", "http://10.0.0.1/", "http://172.16.0.1/", "http://192.168.0.1/",
        "http://100.64.0.1/", "http://169.254.169.254/latest/meta-data", "http://198.18.0.1/", "http://224.0.0.1/",
        "http://[::1]/", "http://[::]/", "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/", "http://[::ffff:a9fe:a9fe]/",
        "http://[64:ff9b::7f00:1]/", "http://[64:ff9b::a9fe:a9fe]/", "http://[2002:7f00:1::1]/", "http://[2002:c0a8:1::1]/",
        "http://[fc00::1]/", "http://[fd12:3456::1]/", "http://[fe80::1]/", "http://[ff02::1]/", "http://[2001:db8::1]/",
        "http://localhost/", "http://localhost.:8080/",
    ])
    func everySpellingOfAPrivateAddressIsRefused(_ url: String) {
        #expect(throws: LightboxError.self) { try PublicURL(url, field: "image_url", allowPrivate: false) }
        do {
            _ = try PublicURL(url, field: "image_url", allowPrivate: false)
        } catch let error as LightboxError {
            #expect(error.code == .urlForbidden, "\(url): \(error)")
        } catch {}
    }

    @Test(arguments: ["file:///etc/passwd", "ftp://example.com/x.jpg", "gopher://example.com/", "http://user:secret@example.com/x.jpg",
                      "http://@example.com/", "javascript:alert(1)", "//example.com/x.jpg", "http:///x.jpg"])
    func otherSchemesAndUserInfoAreRefusedAsBadValues(_ url: String) {
        do {
            _ = try PublicURL(url, field: "image_url", allowPrivate: false)
            Issue.record("\(url) was accepted")
        } catch let error as LightboxError {
            #expect(error.code == .invalidOption && error.message.contains("image_url"), "\(url): \(error)")
        } catch {
            Issue.record("\(url): \(error)")
        }
    }

    @Test func aPublicAddressIsPinnedAsChecked() throws {
        let checked = try PublicURL("http://93.184.215.14:8080/x.jpg", field: "image_url", allowPrivate: false)
        #expect(checked.pinned == "93.184.215.14")
        let configuration = GuardedHTTP.configuration(pinning: checked)
        #expect(configuration.dnsOverride == ["93.184.215.14": "93.184.215.14"])
        #expect(try PublicURL("http://[2606:4700::1111]/", field: "image_url", allowPrivate: false).pinned == "2606:4700::1111")
        #expect(try PublicURL("http://127.0.0.1/", field: "image_url", allowPrivate: true).pinned == nil)
    }

    @Test func publicRangesPass() {
        for address in ["8.8.8.8", "151.101.1.69", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "2a00:1450:4001::200e",
                        "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"] {
            #expect(!PublicURL.isPrivate(address), "\(address)")
        }
        #expect(PublicURL.isPrivate("not an address"))
    }

    /// A loopback site (private addresses allowed, as in tests) that redirects `hops` times.
    static func redirecting() async throws -> (port: Int, task: Task<Void, any Error>) {
        let router = Router()
        router.get("/hop/:n") { _, context -> Response in
            let n = Int(context.parameters.get("n") ?? "0") ?? 0
            if n == 0 { return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: "the photo"))) }
            return Response(status: .found, headers: [.location: "/hop/\(n - 1)"])
        }
        router.get("/away") { _, _ -> Response in Response(status: .movedPermanently, headers: [.location: "file:///etc/passwd"]) }
        router.get("/big") { _, _ -> Response in
            Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(repeating: 1, count: 5000)))
        }
        return try await LoopbackServer.start(router)
    }

    @Test func redirectsAreFollowedThroughTheGuardAtMostThreeTimes() async throws {
        let (port, task) = try await Self.redirecting()
        defer { task.cancel() }
        let base = "http://127.0.0.1:\(port)"
        let fetched = try await RemoteImage.fetch(base + "/hop/3", limit: 1000, allowPrivate: true)
        #expect(String(decoding: fetched, as: UTF8.self) == "the photo")
        for (path, code, words) in [("/hop/4", LightboxError.Code.urlUnreachable, "more than 3"),
                                    ("/away", .invalidOption, "http or https"), ("/big", .inputTooLarge, "limit")] {
            do {
                _ = try await RemoteImage.fetch(base + path, limit: 1000, allowPrivate: true)
                Issue.record("\(path) was fetched")
            } catch let error as LightboxError {
                #expect(error.code == code && error.message.contains(words), "\(path): \(error)")
            }
        }
        // Without the test allowance the loopback site itself is refused before any request.
        do {
            _ = try await RemoteImage.fetch(base + "/hop/0", limit: 1000, allowPrivate: false)
            Issue.record("loopback was fetched")
        } catch let error as LightboxError {
            #expect(error.code == .urlForbidden)
        }
    }
}
