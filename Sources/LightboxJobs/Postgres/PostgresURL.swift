import Foundation
import LightboxCore
import NIOSSL
import PostgresNIO

/// `postgres://user[:password]@host[:port]/database[?sslmode=disable|prefer|require&host=/socket/dir]`,
/// read into postgres-nio's configuration. The password is never part of a description.
public struct PostgresURL: Sendable, CustomStringConvertible {
    enum Endpoint: Sendable {
        case tcp(host: String, port: Int)
        case socket(path: String)
    }

    enum TLSMode: String, Sendable {
        case disable, prefer, require
    }

    let endpoint: Endpoint
    let user: String
    let password: String?
    let database: String?
    let tls: TLSMode
    /// Most connections a process opens (`?pool=N`, default 10).
    public let poolSize: Int
    /// The URL without its password, for logs and errors.
    public let description: String

    public init(_ text: String) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              ["postgres", "postgresql"].contains(scheme) else {
            throw LightboxError(.invalidOption, "Expected postgres://user@host:port/database for database but received '\(text)'")
        }
        description = Self.redacted(components)
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        user = components.percentEncodedUser?.removingPercentEncoding ?? "postgres"
        password = components.percentEncodedPassword?.removingPercentEncoding
        let name = String(components.path.drop(while: { $0 == "/" }))
        database = name.isEmpty ? nil : name
        tls = switch query["sslmode"]?.lowercased() ?? "prefer" {
        case "disable": .disable
        case "require", "verify-full", "verify-ca": .require
        default: .prefer
        }
        if let folder = query["host"], folder.hasPrefix("/") {
            endpoint = .socket(path: "\(folder)/.s.PGSQL.\(components.port ?? 5432)")
        } else if let host = components.host, !host.isEmpty {
            endpoint = .tcp(host: host, port: components.port ?? 5432)
        } else {
            throw LightboxError(.invalidOption, "The database URL '\(description)' names no host")
        }
        poolSize = query["pool"].flatMap(Int.init).flatMap { (1...200).contains($0) ? $0 : nil } ?? 10
    }

    var clientConfiguration: PostgresClient.Configuration {
        let mode: PostgresClient.Configuration.TLS = switch tls {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
        var configuration: PostgresClient.Configuration = switch endpoint {
        case .tcp(let host, let port):
            .init(host: host, port: port, username: user, password: password, database: database, tls: mode)
        case .socket(let path): .init(unixSocketPath: path, username: user, password: password, database: database)
        }
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.maximumConnections = poolSize
        // Connections kept open while idle, so that a burst does not wait for new backends to start.
        configuration.options.minimumConnections = min(poolSize, 4)
        return configuration
    }

    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        switch endpoint {
        case .tcp(let host, let port):
            let context = { try NIOSSLContext(configuration: .makeClientConfiguration()) }
            let mode: PostgresConnection.Configuration.TLS = switch tls {
            case .disable: .disable
            case .prefer: .prefer(try context())
            case .require: .require(try context())
            }
            return .init(host: host, port: port, username: user, password: password, database: database, tls: mode)
        case .socket(let path):
            return .init(unixSocketPath: path, username: user, password: password, database: database)
        }
    }

    private static func redacted(_ components: URLComponents) -> String {
        var copy = components
        if copy.password != nil { copy.password = "***" }
        return copy.string ?? "postgres://"
    }
}
