import Foundation
import LightboxTestSupport
import Testing

@Suite struct ServeCommandTests {
    @Test func keysCreatePrintsAKeyOnceAndStoresItsHash() throws {
        let data = try Fixtures.scratchFolder("service")
        let result = try LightboxBinary.run(["keys", "create", "--data", data.path, "--credits", "25"])
        #expect(result.status == 0, "\(result.standardError)")
        let key = result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(key.hasPrefix("lb_acct") && key.count == 3 + 20 + 1 + 64)
        let database = try Data(contentsOf: data.appendingPathComponent("lightbox.sqlite"))
        let secret = String(key.split(separator: "_")[2])
        #expect(database.range(of: Data(secret.utf8)) == nil, "only the hash is stored")
    }

    @Test func deadLettersCanBeListedRetriedAndPurged() throws {
        let data = try Fixtures.scratchFolder("service")
        let list = try LightboxBinary.run(["dlq", "list", "--data", data.path])
        #expect(list.status == 0 && list.standardOutput.isEmpty)
        let retry = try LightboxBinary.run(["dlq", "retry", "gen_missing", "--data", data.path])
        #expect(retry.status == 1 && retry.standardError.contains("not_found"))
        let purge = try LightboxBinary.run(["dlq", "purge", "--data", data.path])
        #expect(purge.status == 0 && purge.standardOutput.contains("purged 0 dead job(s)"))
    }
}
