import Foundation

/// Separates the product from clutter that touches it: a board leaning behind a mug, a plant
/// beside a bottle. The model's mask is split into the objects the photo shows (a watershed of
/// the mask's thickness from its peaks, re-joined wherever no strong edge with a change of
/// colour runs between two parts), and in each blob the objects standing on its lowest ground
/// line are kept, with what rests on them within their width (a cap, a lid) and what they
/// enclose (a label). A detached object standing further back, outside the product's width,
/// goes too, and so does the background seen through a hole the model filled in part.
/// Objects are found on a small grid; the mask is cleared at its own resolution.
struct StandingObjects {
    /// Peaks of the mask's thickness closer than this (at a 320-pixel mask) seed one part.
    var peakSpacing = 12.0
    /// A boundary is an object's edge when the image's mean Lab gradient along it is above this
    /// and the parts' median colours are further apart than `colourDistance` (ΔE).
    var edgeStrength: Float = 0.08
    var colourDistance: Float = 12
    /// Parts whose bottom is within this share of the height of the lowest one stand on the ground.
    var groundTolerance = 0.04
    /// A part rests on the product when it lies within the product's width, widened by this share.
    var widthSlack = 0.08
    /// A detached object whose bottom is higher than this share of the height stands behind.
    var behind = 0.06
    /// A piece of a dropped object comes back as a lid when its bottom is no lower than this share
    /// of the height below the product's top, its colours and the rest of the object's are this
    /// far apart (ΔE), and it is at least this share of the product's area.
    var lidRise = 0.02
    var lidColourDistance: Float = 20
    var lidMinimumShare = 0.01
    /// A pixel next to a hole is background seen through it when its colour is within this ΔE
    /// of the background's beside the product on its row.
    var holeColourDistance: Float = 12
    /// ... and the pixels so found reach this far (grid pixels) from their own edge.
    var holeThickness: Float = 2

    /// Objects are found on a grid about this many pixels across: a quarter of the work at the
    /// model's 320, and as good on the bench.
    static let gridLongSide = 160

    /// `mask` with the clutter cleared (and its soft fringe), and how many objects went.
    func apply(to mask: VipsImage, image: VipsImage) throws -> (mask: VipsImage, dropped: Int) {
        let full = mask.size
        let scale = min(1, Double(Self.gridLongSide) / Double(max(mask.width, mask.height)))
        let size = PixelSize(width: max(1, Int((Double(mask.width) * scale).rounded())),
                             height: max(1, Int((Double(mask.height) * scale).rounded())))
        let grid = MaskGrid(width: size.width, height: size.height)
        let floats = try mask.cast(.float)
        let inside = try floats.scaledBilinear(to: size).pixels(as: Float.self).map { $0 > 0.5 }
        guard inside.contains(true) else { return (mask, 0) }
        let colour = try image.bands(0, count: 3).cast(.uchar).scaledBilinear(to: size)
        let lab = CIELab.of(try colour.pixels(as: UInt8.self))
        let parts = objects(inside: inside, lab: lab, grid: grid)
        let keep = kept(parts, inside: inside, grid: grid)
        // What the kept objects enclose stays: the label inside a bottle's outline, a lid's texture.
        var keptOnGrid = grid.filled(parts.map { $0 > 0 && keep.contains($0) })
        for index in restingOnTop(of: keptOnGrid, parts: parts, lab: lab, grid: grid) { keptOnGrid[index] = true }
        for index in seenThroughHoles(inside: inside, lab: lab, grid: grid) { keptOnGrid[index] = false }
        let dropped = Set((0..<grid.count).filter { inside[$0] && !keptOnGrid[$0] }.map { parts[$0] })
        guard !dropped.isEmpty else { return (mask, 0) }
        // The decision, back at the mask's resolution, cleared as the clutter filter clears.
        let values = try floats.pixels(as: Float.self)
        let marks = (0..<full.pixelCount).map { index -> UInt8 in
            guard values[index] > 0.5 else { return 0 }
            let onGrid = (index / full.width) * grid.height / full.height * grid.width + (index % full.width) * grid.width / full.width
            return keptOnGrid[onGrid] ? 2 : 1
        }
        return (try ClutterFilter.clearing(floats, marks: marks), dropped.count)
    }

    /// The mask's objects, numbered (0 outside): watershed parts joined across weak boundaries.
    /// `lab` is the photo at the grid's size.
    func objects(inside: [Bool], lab: [SIMD3<Float>], grid: MaskGrid) -> [Int] {
        let distance = grid.distanceToOutside(inside)
        let spacing = max(2, Int((peakSpacing * Double(max(grid.width, grid.height)) / 320).rounded()))
        var markers = [Int](repeating: 0, count: grid.count)
        for (number, peak) in grid.peaks(of: distance, inside: inside, spacing: spacing).enumerated() {
            markers[peak] = number + 1
        }
        // Flooding the thickness cuts at necks. (Flooding the photo's gradient instead cut labels
        // off bottles and lost 0.07 IoU on the bench's wood and rotated photos.)
        let parts = grid.watershed(level: distance.map { -$0 }, markers: markers, inside: inside)
        let gradient = Self.gradient(lab, grid: grid)
        var boundaries: [Pair: (sum: Float, count: Int)] = [:]
        Self.forEachBoundary(of: parts, grid: grid) { index, other in
            let pair = Pair(parts[index], parts[other])
            boundaries[pair, default: (0, 0)].sum += max(gradient[index], gradient[other])
            boundaries[pair, default: (0, 0)].count += 1
        }
        let medians = Self.medianColours(lab, parts: parts)
        var joined = UnionFind(count: (parts.max() ?? 0) + 1)
        for (pair, boundary) in boundaries {
            let strong = boundary.sum / Float(boundary.count) > edgeStrength
            let differ = medians[pair.low].map { low in medians[pair.high].map { Self.distance(low, $0) } ?? 0 } ?? 0
            if !(strong && differ > colourDistance) { joined.union(pair.low, pair.high) }
        }
        return parts.map { $0 > 0 ? joined.find($0) : 0 }
    }

    /// The objects to keep: in each blob, those standing on its ground line and what rests on
    /// them; every object of a blob with one; detached objects unless they stand behind, outside.
    func kept(_ parts: [Int], inside: [Bool], grid: MaskGrid) -> Set<Int> {
        let boxes = Self.boxes(of: parts, grid: grid)
        let blobs = grid.regions(inside)
        var objectsOfBlob: [Int: Set<Int>] = [:]
        for index in 0..<grid.count where parts[index] > 0 { objectsOfBlob[blobs.labels[index], default: []].insert(parts[index]) }
        let adjacent = Self.adjacency(parts, grid: grid)
        let tolerance = groundTolerance * Double(grid.height)
        var keep = Set<Int>()
        for (_, objects) in objectsOfBlob {
            let blobArea = objects.reduce(0) { $0 + boxes[$1]!.area }
            let large = objects.filter { Double(boxes[$0]!.area) >= 0.05 * Double(blobArea) }
            guard objects.count > 1, let ground = large.map({ boxes[$0]!.bottom }).max() else {
                keep.formUnion(objects)
                continue
            }
            var standing = Set(large.filter { Double(boxes[$0]!.bottom) >= Double(ground) - tolerance })
            var grew = true
            while grew {
                grew = false
                let span = Self.span(of: standing, boxes: boxes, slack: widthSlack)
                for object in objects.subtracting(standing) where !(adjacent[object] ?? []).isDisjoint(with: standing) {
                    guard boxes[object]!.lies(within: span) else { continue }
                    standing.insert(object)
                    grew = true
                }
            }
            keep.formUnion(standing)
        }
        return keep.subtracting(behindAndOutside(keep, blobs: blobs, parts: parts, grid: grid))
    }

    /// Pixels of dropped objects that rest on top of the kept ones, within their width: a cap
    /// that the split joined to the board behind it. Each dropped object touching the product is
    /// split by colour (`colourClusters`), and a connected piece of one colour comes back when
    /// it touches the product, lies within its width and ends no lower than the product's top.
    func restingOnTop(of keptOnGrid: [Bool], parts: [Int], lab: [SIMD3<Float>], grid: MaskGrid) -> [Int] {
        let product = Box(of: (0..<grid.count).filter { keptOnGrid[$0] }, grid: grid)
        guard product.area > 0 else { return [] }
        let span = Self.widened(product.x0...product.x1, by: widthSlack)
        let lowestBottom = Double(product.top) + lidRise * Double(grid.height)
        let smallest = max(1, Int(lidMinimumShare * Double(product.area)))
        func touchesProduct(_ index: Int) -> Bool { grid.anyNeighbour(of: index) { keptOnGrid[$0] } }
        func rests(_ piece: [Int]) -> Bool {
            let box = Box(of: piece, grid: grid)
            return box.area >= smallest && box.lies(within: span) && Double(box.bottom) <= lowestBottom
                && piece.contains(where: touchesProduct)
        }
        let dropped = Dictionary(grouping: (0..<grid.count).filter { parts[$0] > 0 && !keptOnGrid[$0] }) { parts[$0] }
        return dropped.values.filter { $0.contains(where: touchesProduct) }
            .flatMap { colourClusters(of: $0, lab: lab, splits: 2) }
            .flatMap { Self.connectedPieces(of: $0, grid: grid).filter(rests).joined() }
    }

    /// The parts of `pixels` split in two by colour while their two colours are further apart
    /// than `lidColourDistance`, `splits` deep, each part and then its own parts: a cap comes
    /// apart from the board at the first split, or from a corner of the bottle that the board's
    /// object took at the second. (Taking only the finest parts lost a kitchen perfume's cap to
    /// its own highlight.)
    func colourClusters(of pixels: [Int], lab: [SIMD3<Float>], splits: Int) -> [[Int]] {
        guard splits > 0, let colours = Self.twoColours(pixels.map { lab[$0] }), colours.distance > lidColourDistance else {
            return []
        }
        let halves = [zip(pixels, colours.second).filter { !$0.1 }.map(\.0), zip(pixels, colours.second).filter(\.1).map(\.0)]
        return halves.flatMap { [$0] + colourClusters(of: $0, lab: lab, splits: splits - 1) }
    }

    /// `pixels` in connected pieces.
    static func connectedPieces(of pixels: [Int], grid: MaskGrid) -> [[Int]] {
        var marked = [Bool](repeating: false, count: grid.count)
        for index in pixels { marked[index] = true }
        let labels = grid.regions(marked).labels
        return Array(Dictionary(grouping: pixels) { labels[$0] }.values)
    }

    /// Mask pixels that show the background through a hole in the product: grown from a hole
    /// the mask already has, over pixels coloured like the background beside the product on the
    /// same row, and given up if the growth reaches the open background (a white mug's body on
    /// a white backdrop). The floor seen through the lower half of a bangle the model filled.
    func seenThroughHoles(inside: [Bool], lab: [SIMD3<Float>], grid: MaskGrid) -> [Int] {
        let open = grid.outside(inside)
        let hole = (0..<grid.count).map { !inside[$0] && !open[$0] }
        guard hole.contains(true) else { return [] }
        let product = Box(of: (0..<grid.count).filter { inside[$0] }, grid: grid)
        let (left, right) = (product.x0, product.x1)
        let reach = (right - left + 1) / 2
        // Each row's background, worked out when a pixel of the row is first asked about.
        var background: [Int: SIMD3<Float>?] = [:]
        func looksLikeBackground(_ index: Int) -> Bool {
            let y = index / grid.width
            if background[y] == nil {
                let beside = (max(0, left - reach)...min(grid.width - 1, right + reach)).map { y * grid.width + $0 }.filter { open[$0] }
                background[y] = .some(beside.count >= 3 ? Self.median(beside.map { lab[$0] }) : nil)
            }
            guard let colour = background[y]! else { return false }
            return Self.distance(lab[index], colour) < holeColourDistance
        }
        let seeds = (0..<grid.count).filter { inside[$0] && grid.anyNeighbour(of: $0) { hole[$0] } && looksLikeBackground($0) }
        var reached = [Bool](repeating: false, count: grid.count)
        var seen: [Int] = []
        for seed in seeds where !reached[seed] {
            let region = grid.flood(from: [seed], reached: &reached) { inside[$0] && looksLikeBackground($0) }
            let leaks = region.contains { grid.anyNeighbour(of: $0) { open[$0] } }
            // A rim one or two pixels wide is the product's edge blended with the hole.
            if !leaks && Self.thickness(of: region, grid: grid) >= holeThickness { seen += region }
        }
        return seen
    }

    /// How far the inside of `region` reaches from its edge, in grid pixels.
    static func thickness(of region: [Int], grid: MaskGrid) -> Float {
        let bounds = Box(of: region, grid: grid)
        // The region's box with a margin of one, so that its edge is outside.
        let box = MaskGrid(width: bounds.x1 - bounds.x0 + 3, height: bounds.bottom - bounds.top + 3)
        var marked = [Bool](repeating: false, count: box.count)
        for index in region {
            marked[(index / grid.width - bounds.top + 1) * box.width + index % grid.width - bounds.x0 + 1] = true
        }
        return box.distanceToOutside(marked).max() ?? 0
    }

    /// Two-means of `colours` started across their widest spread: which pixels fall in the
    /// second cluster, and how far apart the clusters' means are (ΔE). Nil when one is empty.
    static func twoColours(_ colours: [SIMD3<Float>]) -> (second: [Bool], distance: Float)? {
        guard colours.count >= 2 else { return nil }
        let mean = colours.reduce(SIMD3<Float>(), +) / Float(colours.count)
        let far = colours.max { distance($0, mean) < distance($1, mean) }!
        var centres = (colours.max { distance($0, far) < distance($1, far) }!, far)
        var second = [Bool](repeating: false, count: colours.count)
        for _ in 0..<10 {
            let next = colours.map { distance($0, centres.1) < distance($0, centres.0) }
            let count = next.filter { $0 }.count
            guard count > 0, count < colours.count else { return nil }
            if next == second { break }
            second = next
            var sums = (SIMD3<Float>(), SIMD3<Float>())
            for (colour, isSecond) in zip(colours, second) {
                if isSecond { sums.1 += colour } else { sums.0 += colour }
            }
            centres = (sums.0 / Float(colours.count - count), sums.1 / Float(count))
        }
        return (second, distance(centres.0, centres.1))
    }

    /// Kept blobs that stand behind the product, outside its width, and are smaller than half of it.
    private func behindAndOutside(_ keep: Set<Int>, blobs: (labels: [Int], count: Int), parts: [Int], grid: MaskGrid) -> Set<Int> {
        guard blobs.count > 1 else { return [] }
        let keptBlobs = (0..<grid.count).map { parts[$0] > 0 && keep.contains(parts[$0]) ? blobs.labels[$0] : 0 }
        let boxes = Self.boxes(of: keptBlobs, grid: grid)
        guard let largest = boxes.values.map(\.area).max() else { return [] }
        let main = boxes.filter { Double($0.value.area) >= 0.1 * Double(largest) }
        guard let ground = main.values.map(\.bottom).max() else { return [] }
        let rise = behind * Double(grid.height)
        let front = Set(main.filter { Double($0.value.bottom) >= Double(ground) - rise }.keys)
        let span = Self.span(of: front, boxes: boxes, slack: widthSlack)
        let away = boxes.filter { blob, box in
            !front.contains(blob) && Double(box.area) < 0.5 * Double(largest) && Double(box.bottom) < Double(ground) - rise
                && !box.lies(within: span)
        }.keys
        return Set((0..<grid.count).filter { away.contains(keptBlobs[$0]) }.map { parts[$0] })
    }

    /// The bounds and pixel count of a set of grid pixels.
    struct Box {
        var x0 = Int.max, x1 = Int.min, top = Int.max, bottom = Int.min, area = 0

        init() {}

        init(of pixels: [Int], grid: MaskGrid) {
            for index in pixels { add(index, grid: grid) }
        }

        mutating func add(_ index: Int, grid: MaskGrid) {
            let x = index % grid.width, y = index / grid.width
            (x0, x1, top, bottom, area) = (min(x0, x), max(x1, x), min(top, y), max(bottom, y), area + 1)
        }

        func lies(within span: ClosedRange<Double>) -> Bool { span.contains(Double(x0)) && span.contains(Double(x1)) }
    }

    static func boxes(of labels: [Int], grid: MaskGrid) -> [Int: Box] {
        var boxes = [Box](repeating: Box(), count: (labels.max() ?? 0) + 1)
        for index in 0..<grid.count where labels[index] > 0 { boxes[labels[index]].add(index, grid: grid) }
        return Dictionary(uniqueKeysWithValues: boxes.enumerated().filter { $0.element.area > 0 }.map { ($0.offset, $0.element) })
    }

    static func span(of objects: Set<Int>, boxes: [Int: Box], slack: Double) -> ClosedRange<Double> {
        widened((objects.map { boxes[$0]!.x0 }.min() ?? 0)...(objects.map { boxes[$0]!.x1 }.max() ?? 0), by: slack)
    }

    /// `columns` widened on each side by `slack` of their width.
    static func widened(_ columns: ClosedRange<Int>, by slack: Double) -> ClosedRange<Double> {
        let widen = slack * Double(columns.count)
        return (Double(columns.lowerBound) - widen)...(Double(columns.upperBound) + widen)
    }

    static func adjacency(_ parts: [Int], grid: MaskGrid) -> [Int: Set<Int>] {
        var adjacent: [Int: Set<Int>] = [:]
        forEachBoundary(of: parts, grid: grid) { index, other in
            adjacent[parts[index], default: []].insert(parts[other])
            adjacent[parts[other], default: []].insert(parts[index])
        }
        return adjacent
    }

    /// Calls `body` with each pair of neighbouring pixels (the second right of or below the
    /// first) that belong to two different parts.
    static func forEachBoundary(of parts: [Int], grid: MaskGrid, _ body: (Int, Int) -> Void) {
        for index in 0..<grid.count where parts[index] > 0 {
            let right = index + 1, below = index + grid.width
            if right % grid.width != 0, parts[right] > 0, parts[right] != parts[index] { body(index, right) }
            if below < grid.count, parts[below] > 0, parts[below] != parts[index] { body(index, below) }
        }
    }

    /// The Sobel gradient's magnitude, summed over L, a and b and scaled by 1/100, with the
    /// border reflected: about 0.01 in flat areas, 0.1 and more across an object's edge.
    static func gradient(_ lab: [SIMD3<Float>], grid: MaskGrid) -> [Float] {
        let (width, height) = (grid.width, grid.height)
        // Reflected neighbours: index -1 is 0, index n is n - 1.
        let columns = (-1...width).map { min(max($0, 0), width - 1) }
        let rows = (-1...height).map { min(max($0, 0), height - 1) * width }
        var result = [Float](repeating: 0, count: grid.count)
        lab.withUnsafeBufferPointer { lab in
            for y in 0..<height {
                let (up, here, down) = (rows[y], rows[y + 1], rows[y + 2])
                for x in 0..<width {
                    let (left, centre, right) = (columns[x], columns[x + 1], columns[x + 2])
                    let above = lab[up + left] + 2 * lab[up + centre] + lab[up + right]
                    let below = lab[down + left] + 2 * lab[down + centre] + lab[down + right]
                    let before = lab[up + left] + 2 * lab[here + left] + lab[down + left]
                    let after = lab[up + right] + 2 * lab[here + right] + lab[down + right]
                    let horizontal = (above - below) / 4, vertical = (before - after) / 4
                    let magnitude = ((horizontal * horizontal + vertical * vertical) / 2).squareRoot()
                    result[y * width + x] = (magnitude.x + magnitude.y + magnitude.z) / 100
                }
            }
        }
        return result
    }

    /// The median L, a and b of `colours`, each taken alone.
    static func median(_ colours: [SIMD3<Float>]) -> SIMD3<Float> {
        func middle(_ values: [Float]) -> Float {
            let sorted = values.sorted()
            return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }
        return SIMD3(middle(colours.map(\.x)), middle(colours.map(\.y)), middle(colours.map(\.z)))
    }

    /// Each part's median L, a and b.
    static func medianColours(_ lab: [SIMD3<Float>], parts: [Int]) -> [Int: SIMD3<Float>] {
        Dictionary(grouping: parts.indices.filter { parts[$0] > 0 }) { parts[$0] }.mapValues { median($0.map { lab[$0] }) }
    }

    static func distance(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Float {
        let d = a - b
        return (d * d).sum().squareRoot()
    }

    struct Pair: Hashable {
        let low: Int, high: Int
        init(_ a: Int, _ b: Int) { (low, high) = (min(a, b), max(a, b)) }
    }
}

/// Disjoint sets of part numbers, joined by `union`.
struct UnionFind {
    private var parent: [Int]

    init(count: Int) { parent = Array(0..<count) }

    mutating func find(_ item: Int) -> Int {
        var root = item
        while parent[root] != root { root = parent[root] }
        var node = item
        while parent[node] != root { (node, parent[node]) = (parent[node], root) }
        return root
    }

    mutating func union(_ a: Int, _ b: Int) {
        let (rootA, rootB) = (find(a), find(b))
        if rootA != rootB { parent[rootA] = rootB }
    }
}
