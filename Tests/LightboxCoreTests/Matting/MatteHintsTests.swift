import Testing

@testable import LightboxCore

/// The wand behind a click: how far one point's region grows over a mask and its colours.
@Suite struct MatteHintsTests {
    /// A 12 × 4 strip: columns 0–7 a cloth in folds, columns 8–11 the product; the model
    /// sees all of it.
    static func strip(cloth folds: [[UInt8]]) -> (mask: [Float], colours: [UInt8], size: PixelSize) {
        let product: [UInt8] = [110, 160, 180]
        let row = (0..<8).flatMap { folds[$0 % folds.count] } + (0..<4).flatMap { _ in product }
        return ([Float](repeating: 1, count: 48), Array((0..<4).map { _ in row }.joined()), PixelSize(width: 12, height: 4))
    }

    static func columnsKept(_ mask: [Float]) -> [Int] { (0..<12).filter { mask[$0] > 0.5 } }

    @Test func aRemovalFollowsAColouredClothThroughFoldsAndStopsAtTheProduct() {
        // Magenta in shadow, midtone and highlight: 60–100 apart in RGB, one hue.
        let (mask, colours, size) = Self.strip(cloth: [[80, 16, 49], [150, 74, 113], [190, 113, 152]])
        let fixed = MatteHints([.init(.remove, x: 0.05, y: 0.5)]).apply(to: mask, colours: colours, size: size)
        // The cloth goes, and the one pixel beyond it that keeps the refined matte clean of its fringe.
        #expect(Self.columnsKept(fixed) == [9, 10, 11])
    }

    @Test func aGreyClothHasNoHueToFollowSoItsFoldsStopARemoval() {
        let (mask, colours, size) = Self.strip(cloth: [[60, 60, 60], [130, 130, 130]])
        let fixed = MatteHints([.init(.remove, x: 0.05, y: 0.5)]).apply(to: mask, colours: colours, size: size)
        #expect(Self.columnsKept(fixed) == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11], "only its first fold, and the pixel beyond")
    }

    @Test func aKeepGrowsOnlyOverCloseColours() {
        var (mask, colours, size) = Self.strip(cloth: [[80, 16, 49], [150, 74, 113]])
        mask = [Float](repeating: 0, count: 48)
        let fixed = MatteHints([.init(.keep, x: 0.05, y: 0.5)]).apply(to: mask, colours: colours, size: size)
        #expect(Self.columnsKept(fixed) == [0], "a keep can spread over the background, so it does not follow hue")
    }

    @Test func sameHueIgnoresShadingButNotAnotherHueOrGrey() throws {
        let magenta = try #require(MatteHints.SameHue(as: CIELab.of([150, 74, 113])[0]))
        #expect(magenta.matches(CIELab.of([80, 16, 49])[0]))
        #expect(magenta.matches(CIELab.of([200, 130, 170])[0]))
        #expect(!magenta.matches(CIELab.of([110, 160, 180])[0]), "cyan")
        #expect(!magenta.matches(CIELab.of([200, 40, 40])[0]), "red")
        #expect(!magenta.matches(CIELab.of([128, 124, 126])[0]), "a warm grey")
        #expect(MatteHints.SameHue(as: CIELab.of([128, 128, 128])[0]) == nil)
    }
}
