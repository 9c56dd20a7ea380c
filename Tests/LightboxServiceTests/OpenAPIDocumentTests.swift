import Foundation
import LightboxIO
import LightboxTestSupport
import Testing

/// schemathesis (PyPI) fuzzes the API from its own `/openapi.yaml`: no 5xx, answers that
/// match the document (status, content type, schema), invalid requests refused with 4xx,
/// bad keys refused, 405s with the right `Allow`.
@Suite(.serialized) struct OpenAPIDocumentTests {
    @Test func aSchemaDrivenFuzzerFindsNoServerErrorAndNoSchemaViolation() async throws {
        let service = try await ServiceHarness.start(workers: 0) {
            $0.ratePerMinute = 1_000_000
            $0.rateBurst = 100_000
        }
        let key = try await service.key(credits: 100_000)
        // positive_data_acceptance is left out: a schema cannot say which bytes are a photo or
        // which URLs resolve, so schema-valid requests are rightly refused.
        let arguments = ["-m", "schemathesis.cli", "run", "http://127.0.0.1:\(service.port)/openapi.yaml",
                         "-H", "Authorization: Bearer \(key)", "-H", "X-Api-Key: \(key)", "--max-examples", "15",
                         "--seed", "1", "--exclude-checks", "positive_data_acceptance", "--generation-database", "none"]
        // From a scratch folder: schemathesis keeps a cache in the folder it runs in.
        let folder = try Fixtures.scratchFolder("schemathesis").path
        let result = try await onThread {
            try ChildProcess.run("/bin/sh", ["-c", "cd \"$0\" && exec python3 \"$@\"", folder] + arguments)
        }
        let summary = result.standardOutput.split(separator: "\n").suffix(25).joined(separator: "\n")
        #expect(result.status == 0, "\(summary)\n\(result.standardError)")
        #expect(result.standardOutput.contains("Tested: 21"), "every operation was exercised: \(summary)")
        await service.stop()
    }
}
