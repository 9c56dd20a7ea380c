import Foundation
import LightboxCore
import LightboxTestSupport
import Testing

@testable import LightboxIO

@Suite struct InputCollectorTests {
    @Test func foldersAreSearchedRecursivelyForImageNames() throws {
        let folder = try Fixtures.scratchFolder()
        let nested = folder.appendingPathComponent("shoes/red")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        for name in ["b.JPG", "notes.txt", ".hidden.png"] { try Data().write(to: folder.appendingPathComponent(name)) }
        try Data().write(to: nested.appendingPathComponent("a.webp"))
        let found = InputCollector().collect([folder.path]).map { $0.path.replacingOccurrences(of: folder.path + "/", with: "") }
        #expect(found == ["b.JPG", "shoes/red/a.webp"])
    }

    @Test func aFileNamedDirectlyIsAlwaysTaken() {
        #expect(InputCollector().collect(["/tmp/whatever.txt"]).map(\.path) == ["/tmp/whatever.txt"])
    }

    @Test func readingReportsMissingAndOversizedFiles() throws {
        let collector = InputCollector()
        #expect(throws: LightboxError(.inputUnreadable, "No such file: /nonexistent/x.jpg")) {
            try collector.read(URL(fileURLWithPath: "/nonexistent/x.jpg"), limit: 100)
        }
        do {
            _ = try collector.read(Fixtures.url("mug-wood.jpg"), limit: 1000)
            Issue.record("an oversized file was read")
        } catch let error as LightboxError {
            #expect(error.code == .inputTooLarge)
        }
        #expect(try collector.read(Fixtures.url("mug-wood.jpg"), limit: 10_000_000).count > 1000)
    }
}
