import Foundation
import Testing

@testable import LightboxCore

/// One fingerprint of a render, from the resolved options: what the picture will be, not
/// how the request spelled it.
@Suite struct FingerprintTests {
    private func fingerprint(_ pairs: [(String, String)]) throws -> String {
        try ProcessOptions.resolve(pairs.map { (name: $0.0, value: $0.1) }).fingerprint(input: "abc.img")
    }

    @Test func aPresetAndAPromptInEitherOrderAreTwoPictures() throws {
        // A prompt given last paints the prompt; the preset given last draws the preset.
        let promptWins = try ProcessOptions.resolve([("background", "marble"), ("background-prompt", "a sunny kitchen")])
        let presetWins = try ProcessOptions.resolve([("background-prompt", "a sunny kitchen"), ("background", "marble")])
        #expect(promptWins.background == .prompt("a sunny kitchen") && presetWins.background == .scene(.marble))
        #expect(try fingerprint([("background", "marble"), ("background-prompt", "a sunny kitchen")])
                != fingerprint([("background-prompt", "a sunny kitchen"), ("background", "marble")]))
    }

    @Test func theSameOptionsSpelledOtherwiseAreOnePicture() throws {
        #expect(try fingerprint([("size", "800x800"), ("margin", "8")]) == fingerprint([("margin", "8.0"), ("size", "800X800")]))
        #expect(try fingerprint([]) == fingerprint([("margin", "12"), ("format", "jpeg,webp")]), "defaults spelled out")
        #expect(try fingerprint([("shadow", "soft")]) != fingerprint([]), "soft is not the background's own shadow")
        #expect(try fingerprint([]) != ProcessOptions().fingerprint(input: "other.img"))
    }

    @Test func aPromptIsNotThePresetOfTheSameName() throws {
        var prompt = ProcessOptions()
        prompt.background = .prompt("marble")
        #expect(prompt.fingerprint() != (try ProcessOptions.resolve([("background", "marble")])).fingerprint())
    }
}
