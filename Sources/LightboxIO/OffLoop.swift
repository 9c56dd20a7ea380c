import Foundation

/// Blocking work (hashing an upload, reading its header, file reads and writes) on threads of
/// its own, so that neither the event loops nor the async tasks that serve HTTP wait on it.
public enum OffLoop {
    private static let queue = DispatchQueue(label: "lightbox.blocking", qos: .userInitiated, attributes: .concurrent)

    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}
