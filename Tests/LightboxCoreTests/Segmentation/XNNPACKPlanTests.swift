import Foundation
import LightboxTestSupport
import Testing

@testable import LightboxCore

@Suite struct XNNPACKPlanTests {
    static func plan(_ onnx: Data, size: Int) throws -> XNNPACKPlan {
        let graph = try StaticGraph(model: ONNXModel(parsing: onnx), inputSize: PixelSize(width: size, height: size),
                                    outputIndex: 0)
        return try XNNPACKPlan(graph: graph)
    }

    /// (input channels, output channels, kernel area) of each convolution step.
    static func convolutions(_ plan: XNNPACKPlan) -> [(inputs: Int, outputs: Int, taps: Int)] {
        plan.steps.compactMap { step in
            guard case .convolution(let c, _, _) = step else { return nil }
            return (c.groupInputChannels * c.groups, c.groupOutputChannels * c.groups, c.window.kernelArea)
        }
    }

    @Test func u2netpSideOutputsAreSplitByTap() throws {
        let onnx = try Data(contentsOf: Fixtures.models.appendingPathComponent("u2netp.onnx"))
        let convolutions = Self.convolutions(try Self.plan(onnx, size: 320))
        // 119 convolutions; each of the six 3×3 side outputs (64 → 1) becomes 64 → 9 (1×1) and 9 → 1 (3×3).
        #expect(convolutions.count == 125)
        #expect(convolutions.filter { $0 == (64, 9, 1) }.count == 6)
        #expect(convolutions.filter { $0 == (9, 1, 9) }.count == 6)
        #expect(!convolutions.contains { $0.outputs == 1 && $0.inputs == 64 && $0.taps == 9 })
        // The final 1×1 fusion (6 → 1) and the 16-wide layers stay whole.
        #expect(convolutions.contains { $0 == (6, 1, 1) } && convolutions.contains { $0 == (16, 16, 9) })
    }

    @Test func splitsOnlyWhereItSaves() throws {
        let convolutions = Self.convolutions(try Self.plan(ONNXBuilder.everyMappedOperation(), size: 15))
        // The hand-made side output (32 → 1, 3×3, dilated) splits; the 4-channel 3×3 layers do not.
        #expect(convolutions.contains { $0 == (32, 9, 1) } && convolutions.contains { $0 == (9, 1, 9) })
        #expect(convolutions.contains { $0 == (4, 4, 9) } && convolutions.contains { $0 == (4, 32, 9) })
    }
}
