import Foundation
import Testing

@testable import LightboxCore

@Suite struct MaskGridTests {
    /// Inside pixels of a w×h grid from a predicate.
    private func grid(_ width: Int, _ height: Int, inside: (Int, Int) -> Bool) -> (MaskGrid, [Bool]) {
        let grid = MaskGrid(width: width, height: height)
        return (grid, (0..<grid.count).map { inside($0 % width, $0 / width) })
    }

    @Test func distancesMatchTheNearestOutsidePixelFoundByHand() {
        let (grid, inside) = grid(23, 17) { x, y in (3..<20).contains(x) && (2..<15).contains(y) && !(x == 11 && y == 8) }
        let distance = grid.distanceToOutside(inside)
        for index in 0..<grid.count {
            let x = index % 23, y = index / 23
            let nearest = (0..<grid.count).filter { !inside[$0] }
                .map { hypot(Double($0 % 23 - x), Double($0 / 23 - y)) }.min()!
            #expect(abs(Double(distance[index]) - (inside[index] ? nearest : 0)) < 1e-4, "(\(x), \(y))")
        }
    }

    @Test func regionsAreNumberedByFourConnectedBlobs() {
        // Two squares, and a pixel touching the second only at a corner.
        let (grid, inside) = grid(10, 6) { x, y in (x < 3 && y < 3) || ((5..<8).contains(x) && (1..<4).contains(y)) || (x == 8 && y == 4) }
        let (labels, count) = grid.regions(inside)
        #expect(count == 3)
        #expect(labels[0] == labels[2 * 10 + 2] && labels[1 * 10 + 5] != labels[0] && labels[4 * 10 + 8] != labels[1 * 10 + 5])
        #expect(labels[5 * 10 + 9] == 0)
    }

    /// A ring on the grid, and an open ring (a C) beside it: only the closed ring's middle is a hole.
    @Test func theBorderReachesAllButAClosedRingsMiddle() {
        let (grid, ring) = grid(20, 9) { x, y in
            let closed = (1..<8).contains(x) && (1..<8).contains(y) && !((3..<6).contains(x) && (3..<6).contains(y))
            let open = (11..<18).contains(x) && (1..<8).contains(y) && !((13..<18).contains(x) && (3..<6).contains(y))
            return closed || open
        }
        let outside = grid.outside(ring), filled = grid.filled(ring)
        #expect(!outside[4 * 20 + 4] && filled[4 * 20 + 4], "the closed ring's middle")
        #expect(outside[4 * 20 + 14] && !filled[4 * 20 + 14], "the open ring's middle")
        #expect(!outside[1 * 20 + 1] && filled[1 * 20 + 1] && outside[0] && !filled[0])
    }

    /// Two discs joined by a thin neck: one peak in each, and the watershed cuts at the neck.
    @Test func theWatershedOfTheThicknessSplitsTwoDiscsAtTheirNeck() {
        let (grid, inside) = grid(60, 30) { x, y in
            hypot(Double(x - 15), Double(y - 15)) < 11 || hypot(Double(x - 45), Double(y - 15)) < 11 || ((15..<45).contains(x) && (14..<16).contains(y))
        }
        let distance = grid.distanceToOutside(inside)
        let peaks = grid.peaks(of: distance, inside: inside, spacing: 6)
        #expect(peaks.count == 2 && Set(peaks.map { $0 % 60 < 30 }) == [true, false])
        var markers = [Int](repeating: 0, count: grid.count)
        for (number, peak) in peaks.enumerated() { markers[peak] = number + 1 }
        let parts = grid.watershed(level: distance.map { -$0 }, markers: markers, inside: inside)
        #expect(parts[15 * 60 + 10] != parts[15 * 60 + 50] && parts[15 * 60 + 10] > 0 && parts[15 * 60 + 50] > 0)
        #expect((0..<grid.count).allSatisfy { (parts[$0] > 0) == inside[$0] }, "every inside pixel joins a part")
        let row = Array(parts[(15 * 60)..<(16 * 60)])
        let cut: [Int] = (0..<59).filter { row[$0] > 0 && row[$0 + 1] > 0 && row[$0] != row[$0 + 1] }
        #expect(cut.count == 1 && (24...36).contains(cut[0]), "cut on the neck, not in a disc: \(cut)")
    }
}
