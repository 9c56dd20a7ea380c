import Foundation

/// Waits between attempts: 1, 2, 4, 8 s… with ±25% jitter, or what a server's
/// `Retry-After` asks for, never more than `longest`. For the generator's calls and the
/// job queue's retries alike.
public struct Backoff: Sendable {
    public var first: Duration = .seconds(1)
    public var longest: Duration = .seconds(60)
    public var jitter = 0.25

    public init() {}

    /// The wait after failed attempt `attempt` (1-based); `unit` is uniform in -1...1.
    public func delay(after attempt: Int, retryAfter: Duration?, unit: Double) -> Duration {
        if let retryAfter { return min(retryAfter, longest) }
        let exponential = first * (1 << min(attempt - 1, 20))
        return min(exponential * (1 + jitter * unit), longest)
    }

    /// `Retry-After` as delta-seconds or an HTTP date.
    public static func parseRetryAfter(_ value: String, now: Date) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(trimmed) { return seconds >= 0 ? .seconds(seconds) : nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: trimmed) else { return nil }
        return .seconds(max(0, date.timeIntervalSince(now).rounded(.up)))
    }
}

extension Duration {
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
