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

/// CPU work of a request (hashing an upload, reading its header) on threads of its own,
/// so that the threads that serve HTTP keep answering.
enum OffLoop {
    private static let queue = DispatchQueue(label: "lightbox.api.work", qos: .userInitiated, attributes: .concurrent)

    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}
