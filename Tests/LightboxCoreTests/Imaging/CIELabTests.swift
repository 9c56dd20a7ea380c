import Testing

@testable import LightboxCore

@Suite struct CIELabTests {
    @Test func knownColoursHaveTheirPublishedLabValues() {
        let lab = CIELab.of([255, 255, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255])
        func close(_ value: SIMD3<Float>, _ expected: SIMD3<Float>) -> Bool { ((value - expected) * (value - expected)).sum() < 1 }
        #expect(close(lab[0], SIMD3(100, 0, 0)), "white \(lab[0])")
        #expect(close(lab[1], SIMD3(0, 0, 0)), "black \(lab[1])")
        #expect(close(lab[2], SIMD3(53.24, 80.09, 67.20)), "red \(lab[2])")
        #expect(close(lab[3], SIMD3(32.30, 79.19, -107.86)), "blue \(lab[3])")
    }
}
