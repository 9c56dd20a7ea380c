import Foundation
import LightboxTestSupport
import Testing

@testable import LightboxCore

@Suite struct ONNXModelTests {
    static let u2netp = try! Data(contentsOf: Fixtures.models.appendingPathComponent("u2netp.onnx"))

    @Test func readsU2netp() throws {
        let model = try ONNXModel(parsing: Self.u2netp)
        #expect(model.inputs.map(\.name) == ["input.1"])
        #expect(model.inputs[0].dims == [1, 3, 320, 320])
        #expect(model.outputs.map(\.name) == ["1959", "1960", "1961", "1962", "1963", "1964", "1965"])
        #expect(model.initializers.count == 238)
        let counts = Dictionary(grouping: model.nodes, by: \.opType).mapValues(\.count)
        #expect(counts["Conv"] == 119 && counts["Resize"] == 38 && counts["Concat"] == 127 && counts["Sigmoid"] == 7)
        let first = try #require(model.nodes.first)
        #expect(first.opType == "Conv" && first.integers("pads") == [1, 1, 1, 1] && first.integers("kernel_shape") == [3, 3])
        #expect(model.initializers[first.inputs[1]]?.dims == [64, 3, 3, 3])
    }

    @Test func lowersU2netpToStaticShapes() throws {
        let graph = try StaticGraph(model: ONNXModel(parsing: Self.u2netp), inputSize: PixelSize(width: 320, height: 320),
                                    outputIndex: 0)
        #expect(graph.inputShape == [1, 3, 320, 320] && graph.outputShape == [1, 1, 320, 320])
        var convolutions = 0, concatenated = 0, resizes = 0, fusedRelu = 0
        for layer in graph.layers {
            switch layer {
            case .convolution(let c):
                convolutions += 1
                if c.inputs.count > 1 { concatenated += 1 }
                if c.relu { fusedRelu += 1 }
            case .resizeBilinear: resizes += 1
            default: break
            }
        }
        #expect(convolutions == 119 && fusedRelu == 112)
        #expect(concatenated > 0 && resizes == 38, "concatenations fold into convolutions; sizes are constant")
    }

    @Test func readsAHandMadeGraph() throws {
        let model = try ONNXModel(parsing: ONNXBuilder.everyMappedOperation())
        #expect(model.inputs[0].dims == [1, 3, 15, 15])
        let graph = try StaticGraph(model: model, inputSize: PixelSize(width: 15, height: 15), outputIndex: 0)
        // ceil_mode turns 15 into 8, and the Resize sizes were folded from the shape subgraph.
        #expect(graph.shapes["p1"] == [1, 4, 8, 8])
        #expect(graph.shapes["up"] == [1, 4, 15, 15])
        guard case .maxPool(let pool) = graph.layers[1] else { Issue.record("no MaxPool"); return }
        #expect(pool.window.padding.bottom == 1 && pool.window.padding.right == 1)
    }

    @Test func unmappedOperationsAreNamed() throws {
        let model = try ONNXModel(parsing: ONNXBuilder.everyMappedOperation(extra: "LeakyRelu"))
        #expect(throws: ONNXError.unsupported("operation LeakyRelu")) {
            try StaticGraph(model: model, inputSize: PixelSize(width: 15, height: 15), outputIndex: 0)
        }
    }

    @Test func corruptFilesAreClearErrors() {
        for bytes in [Data("definitely not an onnx file".utf8), Self.u2netp.prefix(200_000), Data()] {
            do {
                _ = try ONNXModel(parsing: bytes)
                Issue.record("a corrupt model parsed")
            } catch let error as ONNXError {
                guard case .malformed = error else { Issue.record("\(error)"); continue }
            } catch {
                Issue.record("\(error)")
            }
        }
    }
}
