import Foundation
import LightboxCore
import LightboxIO
import LightboxTestSupport
import Testing

@Suite struct GeneratorSettingsTests {
    @Test func theEnvironmentIsReadAndFlagsWin() throws {
        let settings = try GeneratorSettings.resolve(
            flags: [("generator-attempts", "2"), ("generator-fallback", "linen")],
            environment: ["LIGHTBOX_GENERATOR_URL": "https://images.example.com/", "LIGHTBOX_GENERATOR_ATTEMPTS": "7",
                          "LIGHTBOX_GENERATOR_KEY": "sk-env"])
        #expect(settings.baseURL?.host == "images.example.com" && settings.isConfigured)
        #expect(settings.attempts == 2 && settings.fallback == .preset(.linen))
        #expect(settings.apiKey?.value == "sk-env")
        #expect(!GeneratorSettings().isConfigured)
    }

    @Test func theKeyFileWinsOverTheEnvironmentAndBadValuesNameTheSetting() throws {
        let file = try Fixtures.scratchFolder().appendingPathComponent("key")
        try "sk-file\n".write(to: file, atomically: true, encoding: .utf8)
        let settings = try GeneratorSettings.resolve(flags: [("generator-key-file", file.path)],
                                                     environment: ["LIGHTBOX_GENERATOR_KEY": "sk-env"])
        #expect(settings.apiKey?.value == "sk-file")
        #expect(throws: LightboxError.invalidOption("generator-url", expected: "an http or https base URL",
                                                    received: "ftp://x")) {
            try GeneratorSettings.resolve(flags: [], environment: ["LIGHTBOX_GENERATOR_URL": "ftp://x"])
        }
        #expect(throws: LightboxError.self) {
            try GeneratorSettings.resolve(flags: [("generator-key-file", "/nonexistent/key")], environment: [:])
        }
    }

    @Test func readmeDocumentsEverySettingAsDeclared() throws {
        let readme = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains(GeneratorSettings.catalog.markdownTable(heading: "generator setting")),
                "regenerate with scripts/update-readme-options.sh")
    }
}
