import Foundation
import LightboxCore

/// Opens `--database`: a SQLite file path (the embedded default) or a PostgreSQL URL.
public enum JobStores {
    public static func open(_ location: String) async throws -> any JobStore {
        let lower = location.lowercased()
        if lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") {
            return try await PostgresJobStore.open(PostgresURL(location))
        }
        if let end = location.range(of: "://") {
            throw LightboxError(.invalidOption, "Expected a SQLite file path or postgres://user@host:port/db for database "
                                + "but received the unknown scheme '\(location[..<end.upperBound])'")
        }
        do {
            return try SQLiteJobStore(path: URL(fileURLWithPath: location))
        } catch {
            throw LightboxError(.databaseUnavailable, "Cannot open the SQLite queue \(location): \(error)")
        }
    }
}
