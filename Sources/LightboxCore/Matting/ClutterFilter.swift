/// Drops blobs of the mask that are separate from the product and small next to it:
/// the cup beside the mug, the bottle at the edge of the counter.
struct ClutterFilter {
    /// Blobs smaller than this fraction of the largest blob are dropped.
    let relativeArea: Double

    func apply(to mask: VipsImage) throws -> (mask: VipsImage, dropped: Int) {
        let foreground = try mask.compared(.more, 0.5)
        let (labels, _) = try foreground.labelledRegions()
        let labelOf = try labels.cast(.int).pixels(as: Int32.self)
        let isForeground = try foreground.pixels(as: UInt8.self)
        // Bookkeeping over labels, not pixel processing: one pass to count, one to mark.
        var areas: [Int32: Int] = [:]
        for index in labelOf.indices where isForeground[index] != 0 { areas[labelOf[index], default: 0] += 1 }
        guard areas.count > 1, let largest = areas.values.max() else { return (mask, 0) }
        let dropped = Set(areas.filter { Double($0.value) < relativeArea * Double(largest) }.keys)
        guard !dropped.isEmpty else { return (mask, 0) }
        let marks = labelOf.indices.map { index -> UInt8 in
            guard isForeground[index] != 0 else { return 0 }
            return dropped.contains(labelOf[index]) ? 1 : 2
        }
        return (try Self.clearing(mask, marks: marks), dropped.count)
    }

    /// `mask` with the pixels `marks` sets to 1 cleared (2: kept, 0: neither), and their soft
    /// fringe 3 pixels out, but never the fringe of a kept pixel.
    static func clearing(_ mask: VipsImage, marks: [UInt8]) throws -> VipsImage {
        let marked = try VipsImage.fromPixels(marks, size: mask.size, bands: 1, format: .uchar)
        let dropZone = try marked.compared(.equal, 1).boxFiltered(radius: 3).compared(.more, 0)
        let keepZone = try marked.compared(.more, 1.5).boxFiltered(radius: 1).compared(.more, 0)
        let zero = try VipsImage.black(mask.size).cast(.float)
        return try keepZone.choose(mask, else: dropZone.choose(zero, else: mask)).materialized()
    }
}
