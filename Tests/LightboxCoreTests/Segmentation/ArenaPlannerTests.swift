import Testing

@testable import LightboxCore

@Suite struct ArenaPlannerTests {
    @Test func liveTensorsNeverOverlapAndDeadOnesLendTheirSpace() {
        let requests = [
            ArenaPlanner.Request(size: 100, lifetime: 0...2),
            ArenaPlanner.Request(size: 50, lifetime: 1...3),
            ArenaPlanner.Request(size: 100, lifetime: 3...4),  // can reuse the first one's space
            ArenaPlanner.Request(size: 30, lifetime: 0...4),
        ]
        let (offsets, size) = ArenaPlanner.place(requests)
        for i in requests.indices {
            for j in requests.indices where j > i && requests[i].lifetime.overlaps(requests[j].lifetime) {
                let a = offsets[i]..<offsets[i] + requests[i].size, b = offsets[j]..<offsets[j] + requests[j].size
                #expect(!a.overlaps(b), "\(i) and \(j) overlap")
            }
        }
        #expect(size == 180, "the peak of live tensors")
    }

    @Test func planningIsReproducible() {
        let requests = (0..<40).map { ArenaPlanner.Request(size: ($0 * 37) % 97 + 1, lifetime: ($0 % 9)...($0 % 9 + $0 % 5)) }
        #expect(ArenaPlanner.place(requests).offsets == ArenaPlanner.place(requests).offsets)
    }
}
