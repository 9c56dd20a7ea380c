import Foundation
import LightboxCore
import LightboxIO
#if canImport(Glibc)
import Glibc
#endif

/// Runs the built `lightbox` binary, as a user's script would.
public enum LightboxBinary {
    public struct Result: Sendable {
        public let status: Int32
        public let standardOutput: String
        public let standardError: String

        /// The `--json` lines, decoded.
        public var jsonLines: [[String: Any]] {
            standardOutput.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }
    }

    /// Next to the test bundle, in the same build folder.
    public static var url: URL {
        let buildFolder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let beside = buildFolder.appendingPathComponent("lightbox")
        if FileManager.default.fileExists(atPath: beside.path) { return beside }
        return Fixtures.repositoryRoot.appendingPathComponent(".build/debug/lightbox")
    }

    public static func run(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Result {
        var environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        environment["LIGHTBOX_MODELS_DIR"] = Fixtures.models.path
        let result = try ChildProcess.run(url.path, arguments, environment: environment)
        return Result(status: result.status, standardOutput: result.standardOutput, standardError: result.standardError)
    }

    /// A new API key with `credits` on the service data folder `data`, as `lightbox keys create` prints it.
    public static func key(data: URL, credits: Int) async throws -> String {
        try await running(["keys", "create", "--data", data.path, "--credits", "\(credits)"])
            .standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `run` on a thread of its own: an async test waiting for a batch leaves Swift's few
    /// cooperative threads to the servers other suites run meanwhile.
    public static func running(_ arguments: [String], environment extra: [String: String] = [:]) async throws -> Result {
        try await onThread { try run(arguments, environment: extra) }
    }
}

/// A `lightbox` subprocess left running, such as `serve`, with its standard error collected.
public final class RunningLightbox: @unchecked Sendable {
    private let process = Process()
    private let lock = NSLock()
    private var errorText = ""

    public init(_ arguments: [String], environment extra: [String: String] = [:]) throws {
        process.executableURL = LightboxBinary.url
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        environment["LIGHTBOX_MODELS_DIR"] = Fixtures.models.path
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        errors.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let chunk = String(decoding: handle.availableData, as: UTF8.self)
            self?.lock.withLock { self?.errorText += chunk }
        }
        try process.run()
    }

    public var standardError: String { lock.withLock { errorText } }
    public var isRunning: Bool { process.isRunning }
    public var processIdentifier: Int32 { process.processIdentifier }

    /// The port from the "serving on http://HOST:PORT" line, once it is printed.
    public func servingPort(within seconds: Double = 60) async throws -> Int {
        let deadline = Date() + seconds
        while Date() < deadline {
            if let range = standardError.range(of: #"serving on http://[^:]+:(\d+)"#, options: .regularExpression),
               let port = Int(standardError[range].split(separator: ":").last ?? "") {
                return port
            }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw LightboxError(.internal, "lightbox did not start serving: \(standardError)")
    }

    public func kill(_ signal: Int32) {
        Foundation.kill(process.processIdentifier, signal)
    }

    /// Waits for the exit on this thread.
    public func waitForExit() -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Waits for the exit, off Swift's cooperative threads.
    public func exitStatus() async throws -> Int32 {
        try await onThread { [process] in
            process.waitUntilExit()
            return process.terminationStatus
        }
    }
}

public enum LoopbackPort {
    /// A port nothing listens on now: bound to 127.0.0.1:0, read back and released.
    public static func free() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw LightboxError(.internal, "no socket") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(descriptor, generic, length) == 0 && getsockname(descriptor, generic, &length) == 0
            }
        }
        guard bound else { throw LightboxError(.internal, "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// A bare TCP connection to a loopback port, for what an HTTP client library will not send:
/// half a request, a trickled body, an oversized header. Blocking; use it from `onThread`.
public final class RawConnection: @unchecked Sendable {
    private let descriptor: Int32

    public init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw LightboxError(.internal, "no socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else {
            close(descriptor)
            throw LightboxError(.internal, "cannot connect to port \(port)")
        }
    }

    deinit { close(descriptor) }

    /// False once the server has closed its side (the write fails).
    @discardableResult
    public func send(_ text: String) -> Bool { send(Data(text.utf8)) }

    @discardableResult
    public func send(_ data: Data) -> Bool {
        data.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) == $0.count }
    }

    /// What the server sends until it closes the connection or `seconds` pass, and whether it closed.
    public func read(for seconds: Double) -> (data: Data, closed: Bool) {
        let deadline = Date() + seconds
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while Date() < deadline {
            var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count == 0 { return (received, true) }
            if count > 0 { received.append(contentsOf: buffer[..<count]) }
            else if errno != EAGAIN && errno != EWOULDBLOCK { return (received, true) }
        }
        return (received, false)
    }
}
