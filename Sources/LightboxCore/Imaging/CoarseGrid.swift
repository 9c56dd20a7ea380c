/// A band-interleaved float grid coarser than the image it describes, read back at every
/// image pixel by bilinear interpolation: first down to an image row, then along it. The
/// guided filter's coefficients and the procedural scenes are both drawn this way.
struct CoarseGrid {
    /// The two grid positions around an image position, and the weight of the second.
    struct Tap {
        let first: Int, second: Int
        let weight: Float
    }

    let values: [Float]
    let size: PixelSize
    let bands: Int

    /// Taps for `count` image positions when each grid point is the centre of a `factor`-wide
    /// block, with the grid's edges extended.
    static func centredTaps(count: Int, factor: Int, limit: Int) -> [Tap] {
        (0..<count).map { position in
            let grid = min(max((Double(position) + 0.5) / Double(factor) - 0.5, 0), Double(limit - 1))
            let first = Int(grid.rounded(.down))
            return Tap(first: first, second: min(first + 1, limit - 1), weight: Float(grid - Double(first)))
        }
    }

    /// Taps for `count` image positions when grid point g sits on image pixel g·step; the grid
    /// must reach one point past the last pixel.
    static func cornerTaps(count: Int, step: Int) -> [Tap] {
        (0..<count).map { Tap(first: $0 / step, second: $0 / step + 1, weight: Float($0 % step) / Float(step)) }
    }

    /// Calls `body` with each image row's index and the grid interpolated down to that row
    /// (`size.width × bands` values); `columns` then finishes the interpolation along it.
    @inline(__always)
    func forEachRow(_ rows: [Tap], _ body: (Int, UnsafeBufferPointer<Float>) -> Void) {
        let rowLength = size.width * bands
        let row = UnsafeMutableBufferPointer<Float>.allocate(capacity: rowLength)
        defer { row.deallocate() }
        values.withUnsafeBufferPointer { grid in
            for (y, tap) in rows.enumerated() {
                let above = tap.first * rowLength, below = tap.second * rowLength
                for index in 0..<rowLength {
                    let top = grid[above + index]
                    row[index] = top + (grid[below + index] - top) * tap.weight
                }
                body(y, UnsafeBufferPointer(row))
            }
        }
    }
}

extension UnsafeBufferPointer where Element == Float {
    /// Band `band` of an interpolated grid row, at the image column `tap` describes.
    @inline(__always)
    func interpolated(_ tap: CoarseGrid.Tap, band: Int, bands: Int) -> Float {
        let left = self[tap.first * bands + band]
        return left + (self[tap.second * bands + band] - left) * tap.weight
    }
}
