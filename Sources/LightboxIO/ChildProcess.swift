import Foundation

/// Runs a program to completion and collects what it printed.
public enum ChildProcess {
    public struct Result: Sendable {
        public let status: Int32
        public let standardOutput: String
        public let standardError: String
    }

    /// `program` is a path, or a name looked up on PATH. Both pipes are drained at once,
    /// so a child that fills one of them cannot stall.
    public static func run(_ program: String, _ arguments: [String],
                           environment: [String: String]? = nil) throws -> Result {
        let process = Process()
        if program.contains("/") {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [program] + arguments
        }
        if let environment { process.environment = environment }
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let errorText = ErrorText(), drained = DispatchSemaphore(value: 0)
        Thread {
            errorText.value = errors.fileHandleForReading.readDataToEndOfFile()
            drained.signal()
        }.start()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        drained.wait()
        return Result(status: process.terminationStatus, standardOutput: String(decoding: out, as: UTF8.self),
                      standardError: String(decoding: errorText.value, as: UTF8.self))
    }

    private final class ErrorText: @unchecked Sendable {
        // Written by the reader thread only, read after it signalled.
        var value = Data()
    }
}
