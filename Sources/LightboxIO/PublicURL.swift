import Foundation
import LightboxCore

/// A URL a client gives us to fetch from or to call back: http or https, no user info, and
/// only to public addresses, so that a request cannot reach the service's own network
/// (loopback, private ranges, link-local cloud metadata). The host is resolved once here and
/// every address checked; `pinned` is the checked address that the connection must use
/// (`GuardedHTTP`), so that a second lookup cannot answer differently (DNS rebinding).
/// Private addresses can be allowed for tests and closed networks.
public struct PublicURL: Sendable {
    public let url: URL
    /// The address to connect to; nil when private addresses are allowed (the client resolves).
    public let pinned: String?

    public init(_ text: String, field: String, allowPrivate: Bool) throws {
        guard let url = URL(string: text.trimmingCharacters(in: .whitespaces)),
              let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty, url.user == nil, url.password == nil else {
            throw LightboxError.invalidOption(field, expected: "an http or https URL with no user name or password",
                                              received: text)
        }
        self.url = url
        guard !allowPrivate else {
            pinned = nil
            return
        }
        // getaddrinfo reads 2130706433, 0x7f.1 and 0177.0.0.1 as the IPv4 addresses they spell.
        let addresses = Self.resolve(host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host)
        guard let first = addresses.first else {
            throw LightboxError(.urlForbidden, "The host of \(field) (\(host)) does not resolve")
        }
        if let blocked = addresses.first(where: Self.isPrivate) {
            throw LightboxError(.urlForbidden, "\(field) points to a private or local address (\(blocked)); "
                                + "only public hosts are allowed")
        }
        pinned = first
    }

    /// Every address the host resolves to, as text.
    static func resolve(_ host: String) -> [String] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &results) == 0, let first = results else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(entry.pointee.ai_addr, entry.pointee.ai_addrlen, &buffer, socklen_t(buffer.count),
                           nil, 0, NI_NUMERICHOST) == 0 {
                addresses.append(String(cString: buffer))
            }
            cursor = entry.pointee.ai_next
        }
        return addresses
    }

    /// Not a public unicast address: loopback, private, link-local, carrier-grade NAT,
    /// benchmarking, documentation, multicast, reserved and unspecified ranges, and IPv6
    /// forms that carry an IPv4 address (mapped, NAT64, 6to4) are judged by that address.
    /// Anything that does not parse is refused.
    public static func isPrivate(_ address: String) -> Bool {
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 {
            return isPrivate(v4: withUnsafeBytes(of: v4.s_addr) { Array($0) })
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, address.split(separator: "%").first.map(String.init) ?? address, &v6) == 1 else { return true }
        let bytes = withUnsafeBytes(of: v6) { Array($0) }
        // ::ffff:a.b.c.d (mapped), 64:ff9b::a.b.c.d (NAT64), 64:ff9b:1::/48 (local NAT64).
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF { return isPrivate(v4: Array(bytes[12...])) }
        if bytes[0..<12] == [0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0] { return isPrivate(v4: Array(bytes[12...])) }
        if bytes[0..<6] == [0, 0x64, 0xFF, 0x9B, 0, 1] { return true }
        // 2002:AABB:CCDD::/48 carries a.b.c.d (6to4); 2001::/32 is Teredo.
        if bytes[0] == 0x20 && bytes[1] == 0x02 { return isPrivate(v4: Array(bytes[2..<6])) }
        if bytes[0..<4] == [0x20, 0x01, 0, 0] { return true }
        if bytes.allSatisfy({ $0 == 0 }) || (bytes[0..<15].allSatisfy { $0 == 0 } && bytes[15] == 1) { return true }
        // ::a.b.c.d (IPv4-compatible, deprecated), fc00::/7, fe80::/10, ff00::/8, 2001:db8::/32.
        if bytes[0..<12].allSatisfy({ $0 == 0 }) { return true }
        if bytes[0] & 0xFE == 0xFC || (bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80) || bytes[0] == 0xFF { return true }
        return bytes[0..<4] == [0x20, 0x01, 0x0D, 0xB8]
    }

    static func isPrivate(v4 octets: [UInt8]) -> Bool {
        switch (octets[0], octets[1], octets[2]) {
        case (0, _, _), (10, _, _), (127, _, _), (169, 254, _), (192, 168, _), (224...255, _, _): true
        case (172, 16...31, _), (100, 64...127, _), (198, 18...19, _): true
        case (192, 0, 0), (192, 0, 2), (198, 51, 100), (203, 0, 113), (192, 88, 99): true
        default: false
        }
    }
}
