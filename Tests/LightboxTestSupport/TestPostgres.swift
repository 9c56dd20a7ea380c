import Foundation
import Logging
import PostgresNIO

/// The throwaway PostgreSQL cluster that `scripts/test.sh` starts (`initdb` in a temporary
/// folder, on a loopback port) and names in `LIGHTBOX_TEST_POSTGRES`. Each test gets a
/// database of its own.
public enum TestPostgres {
    public static var serverURL: String {
        guard let url = ProcessInfo.processInfo.environment["LIGHTBOX_TEST_POSTGRES"] else {
            fatalError("LIGHTBOX_TEST_POSTGRES is not set: run the tests with scripts/test.sh, which starts PostgreSQL")
        }
        return url
    }

    /// host:port of the test server.
    public static var address: (host: String, port: Int) {
        let components = URLComponents(string: serverURL)!
        return (components.host ?? "127.0.0.1", components.port ?? 5432)
    }

    /// A new, empty database on the test server, as a URL for `--database`.
    public static func freshDatabase(_ label: String = "lb") async throws -> String {
        let name = "\(label)_\(UUID().uuidString.prefix(8).lowercased())"
        try await execute("CREATE DATABASE \(name)")
        var components = URLComponents(string: serverURL)!
        components.path = "/" + name
        return components.string!
    }

    /// Restarts the server (`pg_ctl restart -m fast`): every open connection is dropped. Spawned
    /// and reaped here rather than through Foundation's Process, whose wait never saw this
    /// script exit (its child, the new server, outlives it).
    public static func restart() throws {
        guard let script = ProcessInfo.processInfo.environment["LIGHTBOX_TEST_POSTGRES_RESTART"] else {
            fatalError("LIGHTBOX_TEST_POSTGRES_RESTART is not set: run the tests with scripts/test.sh")
        }
        var pid: pid_t = 0
        let arguments: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sh"), strdup(script), nil]
        defer { arguments.forEach { free($0) } }
        let spawned = posix_spawn(&pid, "/bin/sh", nil, nil, arguments, environ)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        guard status == 0 else { throw POSIXError(.EIO, userInfo: [NSLocalizedDescriptionKey: "pg_ctl restart failed"]) }
    }

    /// Runs one statement on the server's maintenance database.
    public static func execute(_ sql: String) async throws {
        let (host, port) = address
        let user = URLComponents(string: serverURL)?.user ?? "postgres"
        let connection = try await PostgresConnection.connect(
            configuration: .init(host: host, port: port, username: user, password: nil, database: "postgres", tls: .disable),
            id: 1, logger: Logger(label: "test-postgres"))
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "test-postgres"))
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }
}
