import Foundation
import LightboxCore

/// A URL a client gives us to fetch from or to call back: http or https, and only to
/// public addresses, so that a request cannot reach the service's own network
/// (loopback, private ranges, link-local cloud metadata). Private addresses can be allowed
/// for tests and closed networks.
public struct PublicURL: Sendable {
    public let url: URL

    public init(_ text: String, field: String, allowPrivate: Bool) throws {
        guard let url = URL(string: text.trimmingCharacters(in: .whitespaces)),
              let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty, url.user == nil, url.password == nil else {
            throw LightboxError.invalidOption(field, expected: "an http or https URL", received: text)
        }
        if !allowPrivate {
            let addresses = Self.resolve(host)
            guard !addresses.isEmpty else {
                throw LightboxError(.urlForbidden, "The host of \(field) (\(host)) does not resolve")
            }
            if let blocked = addresses.first(where: Self.isPrivate) {
                throw LightboxError(.urlForbidden, "\(field) points to a private or local address (\(blocked)); "
                                    + "only public hosts are allowed")
            }
        }
        self.url = url
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

    /// Loopback, private, link-local, carrier-grade NAT, multicast and unspecified ranges.
    public static func isPrivate(_ address: String) -> Bool {
        let lowered = address.lowercased()
        if lowered.contains(":") {
            if let mapped = lowered.split(separator: ":").last, mapped.contains(".") { return isPrivate(String(mapped)) }
            return lowered == "::1" || lowered == "::" || lowered.hasPrefix("fc") || lowered.hasPrefix("fd")
                || lowered.hasPrefix("fe8") || lowered.hasPrefix("fe9") || lowered.hasPrefix("fea") || lowered.hasPrefix("feb")
                || lowered.hasPrefix("ff")
        }
        let octets = lowered.split(separator: ".").compactMap { Int($0) }
        guard octets.count == 4 else { return true }
        switch (octets[0], octets[1]) {
        case (0, _), (10, _), (127, _), (169, 254), (192, 168), (224...255, _): return true
        case (172, 16...31), (100, 64...127), (198, 18...19): return true
        default: return false
        }
    }
}
