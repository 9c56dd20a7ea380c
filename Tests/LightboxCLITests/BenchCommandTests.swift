import Foundation
import LightboxTestSupport
import Testing

@Suite struct BenchCommandTests {
    @Test func printsStageTimesThroughputAndMemory() throws {
        let folder = try Fixtures.scratchFolder()
        try FileManager.default.copyItem(at: Fixtures.url("mug-wood.jpg"), to: folder.appendingPathComponent("mug.jpg"))
        let result = try LightboxBinary.run(["bench", folder.path])
        #expect(result.status == 0, "\(result.standardError)")
        for line in ["images: 1 (0 failed)", "ms per stage", "refine-matte", "images/hour:", "peak RSS:"] {
            #expect(result.standardOutput.contains(line), "missing \(line)")
        }
    }
}
