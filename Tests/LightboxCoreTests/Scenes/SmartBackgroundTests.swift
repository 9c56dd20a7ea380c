import Testing

@testable import LightboxCore

@Suite struct SmartBackgroundTests {
    private func resolve(_ text: String, fallback: GeneratorFallback = .promptWords) throws -> ResolvedBackground {
        let spec = try #require(BackgroundSpec(parsing: text), "\(text) did not parse")
        return try SmartBackground.resolve(spec, canvas: PixelSize(width: 1500, height: 1500), seed: 1, fallback: fallback)
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
        #expect(resolved.note == "generator_unavailable: drew the procedural marble scene for the prompt")
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

    @Test func theFallbackSettingDecidesWhatAnUnansweredPromptBecomes() throws {
        #expect(throws: LightboxError.self) { try resolve("rustic oak table", fallback: .none) }
        #expect(try resolve("rustic oak table", fallback: .preset(.linen)).scene == .woodTable)
        #expect(try resolve("floating in outer space", fallback: .preset(.linen)).scene == .linen)
        #expect(GeneratorFallback(parsing: "Concrete") == .preset(.concrete))
        #expect(GeneratorFallback(parsing: "sometimes") == nil)
    }

    @Test func customTakesItsWordsFromBackgroundPrompt() throws {
        let either = [[("background", "custom"), ("background-prompt", "a mossy rock")],
                      [("background-prompt", "a mossy rock"), ("background", "custom")],
                      [("background-prompt", "a mossy rock")]]
        for pairs in either {
            #expect(try ProcessOptions.resolve(pairs.map { (name: $0.0, value: $0.1) }).background == .prompt("a mossy rock"))
        }
        #expect(throws: LightboxError.self) { try ProcessOptions.resolve([("background", "custom")]) }
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
