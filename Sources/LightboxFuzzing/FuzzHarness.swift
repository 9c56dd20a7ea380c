import Foundation
import LightboxCore

/// One parser under fuzzing: bytes in, no crash, no hang, no leak, and only the errors a
/// client may see. A broken invariant stops the process so libFuzzer keeps the input.
public struct FuzzHarness: Sendable {
    public let name: String
    /// libFuzzer's `-max_len`: long enough for the seeds, short enough to keep runs fast.
    public let maxInputBytes: Int
    public let run: @Sendable (Data) -> FuzzOutcome

    public init(name: String, maxInputBytes: Int, run: @escaping @Sendable (Data) -> FuzzOutcome) {
        self.name = name
        self.maxInputBytes = maxInputBytes
        self.run = run
    }

    /// Every harness, by name. Debug builds only: the harnesses reach internal parsers through
    /// testable imports, which a release build does not allow.
    public static var all: [FuzzHarness] {
        #if DEBUG
        [.decode, .onnx, .requestFields, .catalogue, .template, .options]
        #else
        []
        #endif
    }

    public static func named(_ name: String) -> FuzzHarness? { all.first { $0.name == name } }
}

/// What the parser made of one input, for the corpus tests; libFuzzer ignores it.
public enum FuzzOutcome: Equatable, Sendable, CustomStringConvertible {
    case accepted
    /// Refused with this error code (or error type, for a parser's own errors).
    case rejected(String)

    public var description: String {
        switch self {
        case .accepted: "accepted"
        case .rejected(let code): "rejected: \(code)"
        }
    }
}

/// The checks every harness applies to what a parser threw.
enum FuzzInvariant {
    /// A Lightbox error whose public message carries no library text or server path. A message
    /// may quote the client's own input back (a field name, a value), so words found there pass.
    static func publicError(_ error: any Error, in harness: String, input: Data,
                            allowing others: [any Error.Type] = []) -> FuzzOutcome {
        if let error = error as? LightboxError {
            let message = error.message.lowercased()
            let sent = String(decoding: input, as: UTF8.self).lowercased()
            for leak in ["vips", "libjpeg", "libpng", "spng", "heif_", "/tmp/", "/work/", "sqlite", "grdb"]
            where message.contains(leak) && !sent.contains(leak) {
                fail(harness, "a public message carries '\(leak)': \(error.message)")
            }
            return .rejected(error.code.rawValue)
        }
        guard others.contains(where: { ObjectIdentifier(type(of: error)) == ObjectIdentifier($0) }) else {
            fail(harness, "an error of type \(type(of: error)) escaped: \(error)")
        }
        return .rejected(String(describing: type(of: error)))
    }

    static func fail(_ harness: String, _ what: String) -> Never {
        fatalError("fuzz \(harness): \(what)")
    }
}
