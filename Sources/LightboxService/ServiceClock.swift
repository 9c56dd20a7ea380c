import Foundation

/// The time as the service sees it, injected so that tests can set it (idempotency windows,
/// link expiry, leases).
public struct ServiceClock: Sendable {
    public let now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date) {
        self.now = now
    }

    public static let system = ServiceClock { Date() }
}
