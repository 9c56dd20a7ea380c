import Foundation
import CFuzzEntry
import LightboxFuzzing

/// The harness named by LIGHTBOX_FUZZ_TARGET, chosen once.
private let harness: FuzzHarness = {
    let name = ProcessInfo.processInfo.environment["LIGHTBOX_FUZZ_TARGET"] ?? ""
    guard let harness = FuzzHarness.named(name) else {
        FileHandle.standardError.write(Data("Set LIGHTBOX_FUZZ_TARGET to one of: \(FuzzHarness.all.map(\.name).joined(separator: ", "))\n".utf8))
        exit(2)
    }
    return harness
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    _ = harness.run(Data(bytes: bytes, count: count))
    return 0
}

/// `LIGHTBOX_FUZZ_LIST=1` prints each harness and its -max_len, for fuzz/run.sh.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    if ProcessInfo.processInfo.environment["LIGHTBOX_FUZZ_LIST"] == "1" {
        for harness in FuzzHarness.all { print(harness.name, harness.maxInputBytes) }
        exit(0)
    }
    _ = harness
    return 0
}
