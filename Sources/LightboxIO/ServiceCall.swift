import AsyncHTTPClient
import Foundation
import NIOCore

/// One call to a paid service (the generator, the fallback remover) with a deadline and a cap
/// on the answer; what went wrong on the way is sorted the way both retry it.
enum ServiceCall {
    enum Failure: Error {
        case timedOut(Duration)
        case unreachable(String)
        case tooBig(maxBytes: Int)

        /// No answer in time, or none at all, may go better on another attempt; an answer far
        /// larger than any image answer will not.
        var isRetryable: Bool {
            if case .tooBig = self { return false }
            return true
        }

        /// What the service did, to follow "The … at HOST".
        var what: String {
            switch self {
            case .timedOut(let timeout): "did not answer within \(Self.seconds(timeout)) s"
            case .unreachable(let why): "could not be reached (\(why))"
            case .tooBig(let maxBytes): "answered with more than \(maxBytes >> 20) MB"
            }
        }

        private static func seconds(_ duration: Duration) -> String {
            let value = duration.seconds
            return value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
        }
    }

    /// The answer to the request `build` makes, whatever its status.
    static func send(on client: HTTPClient, timeout: Duration, maxBytes: Int,
                     _ build: () throws -> HTTPClient.Request) -> Result<HTTPClient.Response, Failure> {
        do {
            let request = try build()
            let deadline = NIODeadline.now() + .nanoseconds(Int64(timeout.seconds * 1e9))
            return .success(try client.execute(request: request,
                                               delegate: ResponseAccumulator(request: request, maxBodySize: maxBytes),
                                               deadline: deadline).futureResult.wait())
        } catch let error as HTTPClientError where [.deadlineExceeded, .readTimeout, .connectTimeout].contains(error) {
            return .failure(.timedOut(timeout))
        } catch is ResponseAccumulator.ResponseTooBigError {
            return .failure(.tooBig(maxBytes: maxBytes))
        } catch {
            return .failure(.unreachable(String(describing: error)))
        }
    }
}
