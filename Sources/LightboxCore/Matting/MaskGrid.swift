import Foundation

/// Geometry on a small mask-sized grid (the model's 320 × 320), row-major: distances,
/// connected regions, peaks and a watershed. Pixels are neighbours across an edge (4-connected).
struct MaskGrid {
    let width: Int
    let height: Int

    var count: Int { width * height }

    /// Calls `body` with each of the 4 neighbours of `index` inside the grid.
    @inline(__always)
    func forEachNeighbour(of index: Int, _ body: (Int) -> Void) {
        let x = index % width
        if x > 0 { body(index - 1) }
        if x + 1 < width { body(index + 1) }
        if index >= width { body(index - width) }
        if index + width < count { body(index + width) }
    }

    /// Euclidean distance from each inside pixel to the nearest outside one (0 outside), by
    /// Felzenszwalb and Huttenlocher's two passes of lower envelopes of parabolas. The grid's
    /// border counts as inside, as a mask's edge does not end an object.
    func distanceToOutside(_ inside: [Bool]) -> [Float] {
        let far = Float(width * width + height * height)
        var squared = inside.map { $0 ? far : 0 }
        for x in 0..<width {
            let column = (0..<height).map { squared[$0 * width + x] }
            for (y, value) in Self.lowerEnvelope(column).enumerated() { squared[y * width + x] = value }
        }
        for y in 0..<height {
            let row = Array(squared[(y * width)..<((y + 1) * width)])
            squared.replaceSubrange((y * width)..<((y + 1) * width), with: Self.lowerEnvelope(row))
        }
        return squared.map { $0.squareRoot() }
    }

    /// One dimension of the squared distance transform over sampled values `f`.
    private static func lowerEnvelope(_ f: [Float]) -> [Float] {
        let n = f.count
        var result = [Float](repeating: 0, count: n)
        var vertices = [Int](repeating: 0, count: n)
        var bounds = [Float](repeating: 0, count: n + 1)
        var k = 0
        bounds[0] = -.infinity
        bounds[1] = .infinity
        for q in 1..<max(n, 1) {
            var s: Float
            repeat {
                let v = vertices[k]
                s = ((f[q] + Float(q * q)) - (f[v] + Float(v * v))) / Float(2 * (q - v))
                if s <= bounds[k] { k -= 1 } else { break }
            } while k >= 0
            k += 1
            vertices[k] = q
            bounds[k] = s
            bounds[k + 1] = .infinity
        }
        k = 0
        for q in 0..<n {
            while bounds[k + 1] < Float(q) { k += 1 }
            let v = vertices[k]
            result[q] = Float((q - v) * (q - v)) + f[v]
        }
        return result
    }

    /// Whether any of the 4 neighbours of `index` satisfies `test`.
    func anyNeighbour(of index: Int, where test: (Int) -> Bool) -> Bool {
        var found = false
        forEachNeighbour(of: index) { if !found && test($0) { found = true } }
        return found
    }

    /// The pixels reached from `seeds` through neighbours that `pass`, each marked in `reached`,
    /// which also stops the flood: the seeds first (those not yet reached), then the rest.
    func flood(from seeds: [Int], reached: inout [Bool], through pass: (Int) -> Bool) -> [Int] {
        var region: [Int] = []
        for seed in seeds where !reached[seed] {
            reached[seed] = true
            region.append(seed)
        }
        var next = 0
        while next < region.count {
            forEachNeighbour(of: region[next]) { neighbour in
                guard !reached[neighbour], pass(neighbour) else { return }
                reached[neighbour] = true
                region.append(neighbour)
            }
            next += 1
        }
        return region
    }

    /// Connected regions of `inside`, numbered from 1 (0 outside), and how many there are.
    func regions(_ inside: [Bool]) -> (labels: [Int], count: Int) {
        var labels = [Int](repeating: 0, count: count)
        var reached = [Bool](repeating: false, count: count)
        var next = 0
        for start in 0..<count where inside[start] && !reached[start] {
            next += 1
            for index in flood(from: [start], reached: &reached, through: { inside[$0] }) { labels[index] = next }
        }
        return (labels, next)
    }

    /// What the grid's border reaches without crossing `marked`: the open background around it.
    func outside(_ marked: [Bool]) -> [Bool] {
        let border = (0..<count).filter { index in
            let x = index % width, y = index / width
            return !marked[index] && (x == 0 || y == 0 || x == width - 1 || y == height - 1)
        }
        var reached = [Bool](repeating: false, count: count)
        _ = flood(from: border, reached: &reached, through: { !marked[$0] })
        return reached
    }

    /// `marked` with its holes filled: all that is not `outside` it.
    func filled(_ marked: [Bool]) -> [Bool] { outside(marked).map { !$0 } }

    /// Local maxima of `values` inside `inside`: the highest value in the square of radius
    /// `spacing` around them, kept greedily from the highest so that no two are within `spacing`.
    func peaks(of values: [Float], inside: [Bool], spacing: Int) -> [Int] {
        let rowMax = slidingMaximum(values, radius: spacing, along: .rows)
        let squareMax = slidingMaximum(rowMax, radius: spacing, along: .columns)
        let candidates = (0..<count).filter { inside[$0] && values[$0] > 0 && values[$0] >= squareMax[$0] }
            .sorted { values[$0] != values[$1] ? values[$0] > values[$1] : $0 < $1 }
        var accepted: [Int] = []
        for candidate in candidates {
            let x = candidate % width, y = candidate / width
            let crowded = accepted.contains { max(abs($0 % width - x), abs($0 / width - y)) < spacing }
            if !crowded { accepted.append(candidate) }
        }
        return accepted
    }

    enum Direction { case rows, columns }

    /// The maximum over a window of `2 × radius + 1` along each row or column, in linear time
    /// (van Herk and Gil–Werman: running maxima within blocks of the window's length, forwards
    /// and backwards, then one comparison per pixel).
    private func slidingMaximum(_ values: [Float], radius: Int, along direction: Direction) -> [Float] {
        var result = values
        let (lines, length, step, lineStep) = direction == .rows ? (height, width, 1, width) : (width, height, width, 1)
        let window = 2 * radius + 1
        var forward = [Float](repeating: 0, count: length), backward = forward
        values.withUnsafeBufferPointer { source in
            for line in 0..<lines {
                let base = line * lineStep
                for position in 0..<length {
                    let value = source[base + position * step]
                    forward[position] = position % window == 0 ? value : max(forward[position - 1], value)
                }
                for position in stride(from: length - 1, through: 0, by: -1) {
                    let value = source[base + position * step]
                    backward[position] = position == length - 1 || (position + 1) % window == 0
                        ? value : max(backward[position + 1], value)
                }
                for position in 0..<length {
                    let first = max(0, position - radius), last = min(length - 1, position + radius)
                    result[base + position * step] = max(backward[first], forward[last])
                }
            }
        }
        return result
    }

    /// Floods `inside` from numbered `markers` (0: unlabelled), lowest `level` first, so each
    /// pixel joins the marker whose flood reaches it first: the classic marker watershed.
    func watershed(level: [Float], markers: [Int], inside: [Bool]) -> [Int] {
        var labels = markers
        var queue = PriorityQueue()
        for index in 0..<count where labels[index] > 0 {
            forEachNeighbour(of: index) { neighbour in
                if inside[neighbour] && labels[neighbour] == 0 { queue.push(neighbour, level: level[neighbour], from: labels[index]) }
            }
        }
        while let (index, label) = queue.pop() {
            guard labels[index] == 0 else { continue }
            labels[index] = label
            forEachNeighbour(of: index) { neighbour in
                if inside[neighbour] && labels[neighbour] == 0 { queue.push(neighbour, level: level[neighbour], from: label) }
            }
        }
        return labels
    }
}

/// A binary min-heap of (level, order) for the watershed; ties go first in, first out.
private struct PriorityQueue {
    private var heap: [(level: Float, order: Int, index: Int, label: Int)] = []
    private var pushed = 0

    mutating func push(_ index: Int, level: Float, from label: Int) {
        heap.append((level, pushed, index, label))
        pushed += 1
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.less(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (index: Int, label: Int)? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < heap.count && Self.less(heap[left], heap[smallest]) { smallest = left }
                if right < heap.count && Self.less(heap[right], heap[smallest]) { smallest = right }
                if smallest == parent { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return (top.index, top.label)
    }

    private static func less(_ a: (level: Float, order: Int, index: Int, label: Int),
                             _ b: (level: Float, order: Int, index: Int, label: Int)) -> Bool {
        a.level != b.level ? a.level < b.level : a.order < b.order
    }
}
