import HTTPTypes
import Hummingbird
import Synchronization

/// The routes the API has, by path pattern and method, so that a known path asked with the
/// wrong method answers 405 with `Allow` rather than 404.
final class RouteTable: Sendable {
    private let routes = Mutex<[(pattern: [Substring], method: HTTPRequest.Method)]>([])

    /// Registers `path` for `method` on `router` and notes it here.
    func on(_ router: some RouterMethods<BasicRequestContext>, _ method: HTTPRequest.Method, _ path: String, prefix: String = "",
            use handler: @escaping @Sendable (Request, BasicRequestContext) async throws -> Response) {
        routes.withLock { $0.append((Self.segments(prefix + "/" + path), method)) }
        router.on(RouterPath(path), method: method, use: handler)
    }

    /// The methods `path` has, or none when no route has that path. A route spelled out
    /// (`/v1/image/remove-background`) hides one with a parameter (`/v1/image/:id`), as in the router.
    func methods(for path: String) -> [HTTPRequest.Method] {
        let asked = Self.segments(path)
        let matching = routes.withLock { routes in
            routes.filter { route in
                route.pattern.count == asked.count
                    && zip(route.pattern, asked).allSatisfy { $0.hasPrefix(":") || $0 == $1 }
            }
        }
        let literal = matching.filter { !$0.pattern.contains { $0.hasPrefix(":") } }
        return (literal.isEmpty ? matching : literal).map(\.method)
    }

    private static func segments(_ path: String) -> [Substring] {
        path.split(separator: "?").first.map { $0.split(separator: "/") } ?? []
    }
}
