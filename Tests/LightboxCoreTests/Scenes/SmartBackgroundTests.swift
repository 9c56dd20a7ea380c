import Testing

@testable import LightboxCore

@Suite struct SmartBackgroundTests {
    private func resolve(_ text: String) throws -> ResolvedBackground {
        let spec = try #require(BackgroundSpec(parsing: text), "\(text) did not parse")
        return try SmartBackground.resolve(spec)
    }

    @Test func coloursGradientsAndPresetNamesAreThemselves() throws {
        #expect(try resolve("#ff0000").spec == .solid(RGBColour(red: 255, green: 0, blue: 0)))
        #expect(try resolve("linear-gradient(90deg, #ffffff, #000000)").scene == nil)
        #expect(try resolve("marble") == ResolvedBackground(spec: .scene(.marble)))
        #expect(try resolve("Wood-Table").scene == .woodTable)
    }

    @Test func promptsForWhiteOrGradientNeedNoGenerator() throws {
        #expect(try resolve("clean white studio background").scene == .whiteStudio)
        #expect(try resolve("pure white backdrop").scene == .whiteStudio)
        #expect(try resolve("a soft grey gradient").scene == .gradientLight)
        #expect(try resolve("white studio").note == nil)
    }

    @Test func otherPromptsFallBackToANamedSceneAndSaySo() throws {
        let resolved = try resolve("perfume bottle on a marble countertop, morning light")
        #expect(resolved.scene == .marble)
        #expect(resolved.note?.contains("procedural marble") == true)
        #expect(try resolve("summer garden with bokeh").scene == .outdoor)
        #expect(try resolve("rustic oak table").scene == .woodTable)
    }

    @Test func aPromptNoSceneNamesNeedsTheGenerator() throws {
        do {
            let resolved = try resolve("floating in outer space among stars")
            Issue.record("resolved to \(resolved.spec)")
        } catch let error as LightboxError {
            #expect(error.code == .generatorUnavailable)
            #expect(error.httpStatus == 503 && error.message.contains("white-studio"))
        }
    }

    @Test func malformedNotationIsStillRefused() {
        #expect(BackgroundSpec(parsing: "#12345") == nil)
        #expect(BackgroundSpec(parsing: "linear-gradient(#fff)") == nil)
        #expect(BackgroundSpec(parsing: "   ") == nil)
        // Plain words are a prompt, for the generator or a scene they name.
        #expect(BackgroundSpec(parsing: "blue") == .prompt("blue"))
        #expect(BackgroundSpec(parsing: String(repeating: "a", count: 1001)) == nil)
    }
}
