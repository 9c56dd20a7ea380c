import Foundation
import Hummingbird
import HummingbirdCore
import NIOCore
import LightboxIO
import LightboxJobs
import Logging

/// The API's routes over any job store and blob store, with the time injected: tests drive
/// it in process, without a port. `secret` signs private links (see `WebhookSender.secret`).
public func buildRouter(config: ServiceConfig, store: any JobStore, blobs: any BlobStore, clock: ServiceClock = .system,
                        secret: Data, metrics: ServiceMetrics = ServiceMetrics(),
                        generator: GenerativeScenes? = nil, renderer: Renderer? = nil) throws -> Router<BasicRequestContext> {
    let links = OutputLinks(secret: secret, mode: try OutputLinks.mode(for: config, blobs: blobs), clock: clock)
    return ServiceAPI(store: store, blobs: blobs, config: config, clock: clock, links: links, metrics: metrics,
                      generator: generator, renderer: renderer).router()
}

/// The API as a Hummingbird application on `config.host:config.port`; the secret comes from
/// the store (every API process signs alike).
public func buildApplication(config: ServiceConfig, store: any JobStore, blobs: any BlobStore,
                             clock: ServiceClock = .system, metrics: ServiceMetrics = ServiceMetrics(),
                             generator: GenerativeScenes? = nil, renderer: Renderer? = nil, logger: Logger? = nil,
                             onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws
    -> some ApplicationProtocol {
    let secret = try await WebhookSender.secret(store: store, folder: config.dataFolder)
    let router = try buildRouter(config: config, store: store, blobs: blobs, clock: clock, secret: secret, metrics: metrics,
                                 generator: generator, renderer: renderer)
    return Application(router: router, server: .http1(configuration: httpLimits(config)),
                       configuration: .init(address: .hostname(config.host, port: config.port), serverName: "lightbox"),
                       onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? config.port) },
                       logger: logger)
}

/// What NIO refuses before a request reaches a route: connections idle past the timeout, and
/// header blocks larger than a browser or SDK ever sends (the parser answers 400 and closes).
func httpLimits(_ config: ServiceConfig) -> HTTP1Channel.Configuration {
    .init(idleTimeout: .seconds(Int64(config.idleTimeoutSeconds)),
          httpDecoderConfiguration: .init(maxHeaderFieldSize: 16 << 10, maxHeaderListSize: 32 << 10, maxHeaderFieldCount: 100))
}
