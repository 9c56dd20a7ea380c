import Foundation
import LightboxCore
import LightboxService
import LightboxTestSupport
import Testing

@Suite struct ServiceConfigTests {
    @Test func theFileThenTheEnvironmentThenFlagsDecide() throws {
        let folder = try Fixtures.scratchFolder("service")
        let file = folder.appendingPathComponent("lightbox.json")
        try Data(#"{"workers": 3, "rate-per-minute": 100, "allow-private-urls": true, "port": 9000}"#.utf8).write(to: file)
        let config = try ServiceConfig.resolve(base: ServiceConfig(dataFolder: folder), file: file, flags: [("port", "9100")],
                                               environment: ["LIGHTBOX_WORKERS": "1", "LIGHTBOX_PORT": "9050"])
        #expect(config.workers == 1 && config.ratePerMinute == 100 && config.allowPrivateURLs && config.port == 9100)
        #expect(config.lease == .seconds(60) && config.maxUploadBytes == 25_000_000, "the defaults")
    }

    @Test func badSettingsNameTheSetting() throws {
        let folder = try Fixtures.scratchFolder("service")
        #expect(throws: LightboxError.invalidOption("lease-seconds", expected: "integer between 1 and 3600", received: "0")) {
            try ServiceConfig.resolve(base: ServiceConfig(dataFolder: folder), file: nil, flags: [("lease-seconds", "0")],
                                      environment: [:])
        }
        #expect(throws: LightboxError.self) {
            try ServiceConfig.resolve(base: ServiceConfig(dataFolder: folder), file: nil, flags: [("colour", "red")],
                                      environment: [:])
        }
    }

    @Test func readmeDocumentsEverySettingAsDeclared() throws {
        let readme = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains(ServiceConfig.catalog.markdownTable(heading: "service setting")),
                "regenerate with scripts/update-readme-options.sh")
    }
}
