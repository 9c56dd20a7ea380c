import Foundation
import LightboxCore
import LightboxIO
import LightboxTestSupport
import Testing

@Suite struct FallbackRemoverSettingsTests {
    @Test func settingsNameTheEndpointAndTheKeyComesOnlyFromTheEnvironmentOrAFile() throws {
        let bare = try FallbackRemoverSettings.resolve(flags: [("fallback-remover", "https://api.remove.bg")], environment: [:])
        #expect(bare.url?.absoluteString == "https://api.remove.bg/v1.0/removebg" && bare.apiKey == nil)
        let full = try FallbackRemoverSettings.resolve(flags: [], environment: [
            "LIGHTBOX_FALLBACK_REMOVER": "http://10.0.0.5:8080/v1.0/removebg", "LIGHTBOX_FALLBACK_REMOVER_DAILY_IMAGES": "7"])
        #expect(full.url?.absoluteString == "http://10.0.0.5:8080/v1.0/removebg" && full.dailyImages == 7)
        #expect(!FallbackRemoverSettings().isConfigured, "off by default")
        #expect(throws: LightboxError.self) { try FallbackRemoverSettings.resolve(flags: [("fallback-remover", "ftp://x")]) }
        let keyFile = try Fixtures.scratchFolder("fallback").appendingPathComponent("key")
        try Data("  from-file\n".utf8).write(to: keyFile)
        let filed = try FallbackRemoverSettings.resolve(flags: [("fallback-remover-key-file", keyFile.path)], environment: [:])
        #expect(filed.apiKey?.value == "from-file" && "\(filed.apiKey!)" == "[redacted]")
    }

    @Test func readmeDocumentsEverySettingAsDeclared() throws {
        let readme = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains(FallbackRemoverSettings.catalog.markdownTable(heading: "fallback remover setting")),
                "regenerate with scripts/update-readme-options.sh")
    }
}
