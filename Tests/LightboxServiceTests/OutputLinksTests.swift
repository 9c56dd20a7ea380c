import Foundation
import LightboxCore
import LightboxTestSupport
import Testing

@testable import LightboxService

@Suite struct OutputLinksTests {
    @Test func privateOutputsAreServedOnlyThroughSignedLinks() async throws {
        let service = try await ServiceHarness.start { $0.privateOutputs = true }
        let key = try await service.key()
        let accepted = try await service.submit(Fixtures.data("lipstick-exif6.jpg"),
                                                fields: [("size", "120x120"), ("output_format", "png")], key: key)
        let id = try #require(accepted.json["generation_id"] as? String)
        let done = try await service.finished(id, key: key)
        let link = try #require(done.json["output_url"] as? String)
        #expect(link.contains("?expires=") && link.contains("&signature="))
        let file = try await service.send(.GET, link)
        #expect(file.status == 200 && file.headers["cache-control"] == "private, max-age=3600")
        let bare = String(link.prefix { $0 != "?" })
        #expect(try await service.send(.GET, bare).error?.code == "forbidden")
        let altered = link.replacingOccurrences(of: "signature=", with: "signature=0")
        #expect(try await service.send(.GET, altered).status == 403)
        await service.stop()
    }

    @Test func aSignedLinkExpires() throws {
        let time = TestClock(Date(timeIntervalSince1970: 1_795_000_000))
        let links = OutputLinks(secret: Data(repeating: 7, count: 32), mode: .signed(lifetime: 60), clock: time.clock)
        let query = Dictionary(uniqueKeysWithValues: try #require(URLComponents(string: links.link("a.png")))
            .queryItems!.map { ($0.name, $0.value ?? "") })
        time.advance(by: 59)
        try links.check("a.png", query: query)
        #expect(throws: LightboxError.self) { try links.check("b.png", query: query) }
        time.advance(by: 2)
        #expect(throws: LightboxError.self) { try links.check("a.png", query: query) }
        try OutputLinks(secret: Data(), mode: .api).check("a.png", query: [:])
    }
}
