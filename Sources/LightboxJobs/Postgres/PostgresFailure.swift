import Foundation
import LightboxCore
import Logging
import PostgresNIO

/// What a PostgreSQL error means to us: worth another try (the connection dropped, the
/// server is restarting, two transactions collided), or an answer.
enum PostgresFailure {
    /// SQLSTATE classes and codes that a retry can get past.
    private static let transientStates = ["08", "57P01", "57P02", "57P03", "40001", "40P01", "53300"]

    static func isTransient(_ error: any Error) -> Bool {
        if let error = error as? PSQLError {
            switch error.code {
            case .connectionError, .serverClosedConnection, .uncleanShutdown: return true
            case .server:
                let state = error.serverInfo?[.sqlState] ?? ""
                return transientStates.contains { state.hasPrefix($0) }
            default: return false
            }
        }
        // The pool's own errors (it gave up connecting for now) live in a module we do not import.
        return String(reflecting: type(of: error)).hasSuffix("ConnectionPoolError")
    }

    /// The server's message, or the client's error code, never the query's bound values.
    static func summary(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] {
            return "\(message) (SQLSTATE \(error.serverInfo?[.sqlState] ?? "?"))"
        }
        if let underlying = error.underlying { return "\(underlying)" }
        return error.code.description
    }
}

/// The check at start: one connection and `SELECT 1`, so that a wrong host, port, user,
/// password or database name is reported as such, at once.
enum PostgresProbe {
    static func check(_ url: PostgresURL, logger: Logger) async throws {
        do {
            let connection = try await PostgresConnection.connect(configuration: try url.connectionConfiguration(), id: 0,
                                                                  logger: logger)
            defer { Task { try? await connection.close() } }
            try await connection.query("SELECT 1", logger: logger)
        } catch let error as PSQLError {
            let state = error.serverInfo?[.sqlState] ?? ""
            switch state {
            case "28P01", "28000":
                throw LightboxError(.databaseUnavailable, "PostgreSQL at \(url) refused the credentials of user "
                                    + "'\(url.user)': \(PostgresFailure.summary(error))")
            case "3D000":
                throw LightboxError(.databaseUnavailable, "PostgreSQL at \(url) has no database "
                                    + "'\(url.database ?? url.user)': create it first")
            default:
                throw LightboxError(.databaseUnavailable, "Cannot reach PostgreSQL at \(url): \(PostgresFailure.summary(error))")
            }
        } catch let error as LightboxError {
            throw error
        } catch {
            throw LightboxError(.databaseUnavailable, "Cannot reach PostgreSQL at \(url): \(error)")
        }
    }
}
