import Testing

@testable import LightboxCore

@Suite struct AnglePromptsTests {
    @Test(arguments: ProductCategory.allCases)
    func everyCategoryHasItsMostViewsAllDifferent(_ category: ProductCategory) {
        let angles = AnglePrompts.angles(for: category, count: AnglePrompts.mostViews)
        #expect(angles.count == AnglePrompts.mostViews)
        #expect(Set(angles.map(\.view)).count == angles.count)
        #expect(angles.allSatisfy { $0.prompt.contains("white seamless studio background") && $0.prompt.contains("no added text") })
    }

    @Test func aShoeIsShownSideOnFirstAndAsAShoe() {
        let angles = AnglePrompts.angles(for: .footwear, count: 2)
        #expect(angles.map(\.view) == ["side", "three-quarter"])
        #expect(angles[0].prompt.hasPrefix("The same shoe as in the photo, seen from the side"))
    }

    @Test func theMissingCountCountsTheGalleryAndNeverGoesNegative() throws {
        var options = try AngleOptions.catalog.resolve([("fill-angles", "4"), ("gallery-images", "1")], over: AngleOptions())
        #expect(options.missing == 3)
        options.gallery = 5
        #expect(options.missing == 0)
        #expect(AngleOptions().missing == 0, "off by default")
        #expect(throws: LightboxError.self) { try AngleOptions.catalog.resolve([("fill-angles", "7")], over: AngleOptions()) }
        #expect(throws: LightboxError.self) { try AngleOptions.catalog.resolve([("category", "cars")], over: AngleOptions()) }
    }
}
