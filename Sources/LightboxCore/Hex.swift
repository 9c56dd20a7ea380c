import Foundation

extension Sequence where Element == UInt8 {
    /// Lower-case hex, two digits a byte: digests as names and fingerprints.
    public var hex: String {
        // A table rather than String(format:) per byte: every upload's name is a digest.
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] }, as: UTF8.self)
    }
}
