import Crypto
import Foundation
import LightboxCore

/// Bearer keys: `lb_<account>_<secret>`. Only the secret's SHA-256 is stored; a presented
/// key is checked against it in constant time.
public enum APIKeys {
    public struct Issued: Sendable {
        public let account: String
        public let key: String
        public let hash: String
    }

    public static func issue() -> Issued {
        let account = "acct" + randomHex(8)
        let secret = randomHex(32)
        return Issued(account: account, key: "lb_\(account)_\(secret)", hash: hash(secret))
    }

    /// The account a key names and its secret, or nil when it is not one of ours.
    public static func parse(_ key: String) -> (account: String, secret: String)? {
        let parts = key.split(separator: "_")
        guard parts.count == 3, parts[0] == "lb", parts[2].count == 64 else { return nil }
        return (String(parts[1]), String(parts[2]))
    }

    public static func hash(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).hex
    }

    /// Equal strings, in time that depends only on their length.
    public static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
        let (a, b) = (Array(lhs.utf8), Array(rhs.utf8))
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    private static func randomHex(_ bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
