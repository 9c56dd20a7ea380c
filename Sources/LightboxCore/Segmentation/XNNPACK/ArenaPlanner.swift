/// Places tensors in one buffer so that tensors alive at the same time never overlap and
/// dead ones lend their space. Each request goes into the tightest gap free for its whole
/// lifetime (or the lowest one). Which order to place them in matters, and no one order is
/// best, so a few classic ones and some seeded shuffles of them are tried and the smallest
/// arena wins; the result is the same on every run.
struct ArenaPlanner {
    struct Request {
        var size: Int
        /// First and last step (inclusive) during which the tensor must hold its values.
        var lifetime: ClosedRange<Int>
        var rank = 0

        init(size: Int, lifetime: ClosedRange<Int>) {
            self.size = size
            self.lifetime = lifetime
        }
    }

    /// Offsets, in the order of `requests`, and the arena's total size.
    static func place(_ requests: [Request]) -> (offsets: [Int], size: Int) {
        let orders: [(Request, Request) -> Bool] = [
            { $0.size > $1.size },
            { $0.lifetime.lowerBound < $1.lifetime.lowerBound },
            { $0.size * $0.lifetime.count > $1.size * $1.lifetime.count },
            { $0.lifetime.count > $1.lifetime.count },
        ]
        var candidates = orders.flatMap { order in [true, false].map { placeInOrder(requests, by: order, tightest: $0) } }
        var random = SplitMix64(seed: 42)
        for _ in 0..<shuffles {
            // Sizes weighted by a random factor: nearby orders of the size-first strategy.
            let weights = requests.map { Double($0.size) * Double.random(in: 0.25...4, using: &random) }
            let indexed = Array(zip(requests.indices, weights))
            let ranks = Dictionary(uniqueKeysWithValues: indexed.sorted { $0.1 > $1.1 }.enumerated().map { ($1.0, $0) })
            var ranked = requests
            for index in ranked.indices { ranked[index].rank = ranks[index]! }
            candidates.append(placeInOrder(ranked, by: { $0.rank < $1.rank }, tightest: true))
        }
        return candidates.min { $0.size < $1.size }!
    }

    static let shuffles = 48

    private static func placeInOrder(_ requests: [Request], by precedes: (Request, Request) -> Bool,
                                     tightest: Bool) -> (offsets: [Int], size: Int) {
        var offsets = [Int](repeating: 0, count: requests.count)
        var placed: [(offset: Int, size: Int, lifetime: ClosedRange<Int>)] = []
        let order = requests.indices.sorted {
            precedes(requests[$0], requests[$1]) || (!precedes(requests[$1], requests[$0]) && $0 < $1)
        }
        for index in order {
            let request = requests[index]
            let busy = placed.filter { $0.lifetime.overlaps(request.lifetime) }.sorted { $0.offset < $1.offset }
            // Gaps between busy blocks: (start, length); the last one is open-ended.
            var gaps: [(start: Int, length: Int)] = []
            var end = 0
            for block in busy {
                if block.offset > end { gaps.append((end, block.offset - end)) }
                end = max(end, block.offset + block.size)
            }
            let fitting = gaps.filter { $0.length >= request.size }
            let chosen = tightest ? fitting.min { $0.length < $1.length } : fitting.first
            let offset = chosen?.start ?? end
            offsets[index] = offset
            placed.append((offset, request.size, request.lifetime))
        }
        return (offsets, placed.map { $0.offset + $0.size }.max() ?? 0)
    }
}

/// A small seeded generator, so that planning is reproducible.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
