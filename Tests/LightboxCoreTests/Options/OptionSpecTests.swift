import Foundation
import LightboxTestSupport
import Testing

@testable import LightboxCore

@Suite struct OptionSpecTests {
    private func message(_ pairs: [(String, String)]) -> String? {
        do {
            _ = try ProcessOptions.resolve(pairs.map { (name: $0.0, value: $0.1) })
            return nil
        } catch let error as LightboxError {
            #expect(error.code == .invalidOption)
            return error.message
        } catch {
            return "\(error)"
        }
    }

    @Test func defaultsComeFromTheDeclarations() throws {
        let options = try ProcessOptions.resolve([])
        #expect(options.canvas == PixelSize(width: 1500, height: 1500))
        #expect(options.marginPercent == 12)
        #expect(options.background == .solid(.white))
        #expect(options.formats == [.jpeg, .webp])
        #expect(options.quality.jpeg == 88 && options.quality.webp == 80 && options.quality.avif == 50)
        #expect(options.qa.minCoverage == 0.005 && options.qa.maxCoverage == 0.95)
        #expect(options.limits.maxInputBytes == 50_000_000 && options.limits.maxPixels == 50_000_000)
    }

    @Test func valuesAreParsedIntoTypes() throws {
        let options = try ProcessOptions.resolve([("size", "1200x800"), ("margin", "8.5"), ("shadow", "Floating"),
                                                  ("format", "avif,png"), ("decontaminate", "false")])
        #expect(options.canvas == PixelSize(width: 1200, height: 800))
        #expect(options.marginPercent == 8.5)
        #expect(options.shadow == .floating)
        #expect(options.formats == [.avif, .png])
        #expect(options.matte.decontaminate == false)
    }

    @Test func errorsNameTheOptionTheRangeAndTheValue() {
        #expect(message([("margin", "abc")]) == "Expected number between 0 and 45 for margin but received 'abc'")
        #expect(message([("margin", "50")]) == "Expected number between 0 and 45 for margin but received '50'")
        #expect(message([("jpeg-quality", "7.5")]) == "Expected integer between 1 and 100 for jpeg-quality but received '7.5'")
        #expect(message([("shadow", "dramatic")])
            == "Expected one of none, soft, hard, natural, floating for shadow but received 'dramatic'")
        #expect(message([("size", "1500x")])?.hasPrefix("Expected WIDTHxHEIGHT") == true)
        #expect(message([("colour", "red")]) == "Unknown option 'colour'")
    }

    @Test func optionalChoicesRefuseUnknownNamesInsteadOfFallingBackToUnset() throws {
        #expect(message([("shadow", "long")]) == "Expected one of none, soft, hard, natural, floating for shadow but received 'long'")
        #expect(try ProcessOptions.resolve([]).shadow == nil)
        #expect(try ProcessOptions.resolve([("shadow", "Hard")]).shadow == .hard)
    }

    @Test func combinationsAreChecked() {
        #expect(message([("background", "transparent")])?.contains("jpeg has no alpha") == true)
        #expect(message([("background", "transparent"), ("format", "png")]) == nil)
        #expect(message([("qa-min-coverage", "0.5"), ("qa-max-coverage", "0.4")]) != nil)
    }

    @Test func engineSettingsAreNotPerImageOptions() {
        #expect(message([("threads", "2")]) == "Unknown option 'threads'")
        #expect(message([("model", "u2netp")]) == "Unknown option 'model'")
    }

    @Test func helpListsEveryOptionWithItsDefault() {
        let help = ProcessOptions.catalog.helpText
        for binding in ProcessOptions.catalog.bindings { #expect(help.contains("--\(binding.name)")) }
        #expect(help.contains("default: 1500x1500"))
    }

    @Test func readmeDocumentsEveryOptionAsDeclared() throws {
        let readme = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains(ProcessOptions.catalog.markdownTable()), "regenerate with `lightbox options`")
    }
}
