import AsyncHTTPClient
import Foundation
import LightboxCore
import LightboxJobs
import LightboxService
import LightboxTestSupport
import NIOCore
import NIOHTTP1
import NIOFoundationCompat
import Logging

/// A real service on a loopback port, with the real model and a real SQLite file, talked
/// to over real HTTP.
final class ServiceHarness: Sendable {
    let host: ServiceHost
    let port: Int
    private let task: Task<Void, any Error>

    static func start(workers: Int = 1, services: PipelineServices = TestEngine.services,
                      configure: (inout ServiceConfig) -> Void = { _ in }) async throws -> ServiceHarness {
        var config = ServiceConfig(dataFolder: try Fixtures.scratchFolder("service"))
        config.workers = workers
        config.port = 0
        // The suites around it keep the cores busy: a worker at nice 19 would wait for all of them.
        config.workerNice = 0
        configure(&config)
        let host = try await ServiceHost.open(config: config) { services }
        let (ports, sink) = AsyncStream<Int>.makeStream()
        var quiet = Logger(label: "test-service")
        quiet.logLevel = .critical
        let task = Task { try await host.run(logger: quiet) { sink.yield($0) } }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        return ServiceHarness(host: host, port: port, task: task)
    }

    private init(host: ServiceHost, port: Int, task: Task<Void, any Error>) {
        self.host = host
        self.port = port
        self.task = task
    }

    func stop() async {
        task.cancel()
        _ = await task.result
    }

    /// A new account's key.
    func key(credits: Int = 10) async throws -> String {
        let issued = APIKeys.issue()
        try await host.store.createAccount(id: issued.account, keyHash: issued.hash, credits: credits)
        return issued.key
    }

    var client: APIClient { APIClient(port: port) }

    func send(_ method: HTTPMethod, _ path: String, key: String? = nil, headers: [String: String] = [:],
              body: Data? = nil, contentType: String? = nil) async throws -> APIClient.Reply {
        try await client.send(method, path, key: key, headers: headers, body: body, contentType: contentType)
    }

    func submit(_ image: Data?, fields: [(String, String)] = [], key: String?,
                headers: [String: String] = [:]) async throws -> APIClient.Reply {
        try await client.submit(image, fields: fields, key: key, headers: headers)
    }

    func finished(_ id: String, key: String, within seconds: Double = 90) async throws -> APIClient.Reply {
        try await client.finished(id, key: key, within: seconds)
    }
}
