import Foundation

extension Sequence where Element == UInt8 {
    /// Lower-case hex, two digits a byte: digests as names and fingerprints.
    public var hex: String { map { String(format: "%02x", $0) }.joined() }
}
