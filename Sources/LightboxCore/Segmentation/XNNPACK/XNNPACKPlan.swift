import Foundation

/// A `StaticGraph` as a sequence of XNNPACK operators over NHWC tensors in one planned
/// arena. This XNNPACK has no concatenate, so a concatenation becomes one buffer that the
/// convolution reads whole, and its parts are written straight into their channel slices
/// (with a pixel stride). Keeping a skip connection's slice alive that long costs U²-Net no
/// arena space (its peak lies elsewhere) and saves copying it: 4 ms an inference. A part
/// an addition touches is copied in, since addition takes no strides.
/// Weights are repacked OIHW → OHWI once; every session reads them.
struct XNNPACKPlan: Sendable {
    /// A block of the arena.
    struct Buffer: Sendable {
        var count: Int
        var offset = 0
    }

    /// A tensor: `channels` channels starting at `channelOffset` in each `pixelStride`-wide pixel of a buffer.
    struct View: Sendable {
        var buffer: Int
        /// NHWC.
        var shape: [Int]
        var channelOffset = 0
        var pixelStride: Int

        var channels: Int { shape[3] }
        var pixels: Int { shape[0] * shape[1] * shape[2] }
        var isDense: Bool { pixelStride == channels }
    }

    struct Convolution: Sendable {
        var window: StaticGraph.Window
        var groups: Int
        var groupInputChannels: Int
        var groupOutputChannels: Int
        /// OHWI.
        var weights: [Float]
        var bias: [Float]
        var lowest: Float
    }

    enum Step: Sendable {
        case convolution(Convolution, input: Int, output: Int)
        case maxPool(StaticGraph.MaxPool, input: Int, output: Int)
        case resizeBilinear(alignment: StaticGraph.ResizeAlignment, input: Int, output: Int)
        case add(Int, Int, output: Int, lowest: Float)
        case sigmoid(input: Int, output: Int)
        /// ReLU, or with `lowest` −∞ a strided copy.
        case clamp(input: Int, output: Int, lowest: Float)

        var inputs: [Int] {
            switch self {
            case .convolution(_, let input, _), .maxPool(_, let input, _), .resizeBilinear(_, let input, _),
                 .sigmoid(let input, _), .clamp(let input, _, _): [input]
            case .add(let a, let b, _, _): [a, b]
            }
        }

        var output: Int {
            switch self {
            case .convolution(_, _, let output), .maxPool(_, _, let output), .resizeBilinear(_, _, let output),
                 .add(_, _, let output, _), .sigmoid(_, let output), .clamp(_, let output, _): output
            }
        }
    }

    /// XNNPACK kernels may read a little past the end of a tensor.
    static let slack = 16

    var buffers: [Buffer] = []
    var views: [View] = []
    var steps: [Step] = []
    var input = 0
    var output = 0
    /// Floats in the arena.
    var arenaSize = 0

    init(graph: StaticGraph) throws {
        var table = ViewTable(shapes: graph.shapes)
        try table.placeConcatenations(graph)
        var steps: [Step] = []
        input = try table.view(graph.input)
        for layer in graph.layers {
            switch layer {
            case .convolution(let convolution):
                steps += try Self.steps(for: convolution, table: &table)
            case .maxPool(let pool):
                steps.append(.maxPool(pool, input: try table.view(pool.input), output: try table.view(pool.output)))
            case .resizeBilinear(let input, let output, _, _, let alignment):
                steps.append(.resizeBilinear(alignment: alignment, input: try table.view(input),
                                             output: try table.view(output)))
            case .add(let a, let b, let output, let relu):
                steps.append(.add(try table.view(a), try table.view(b), output: try table.view(output),
                                  lowest: relu ? 0 : -.infinity))
            case .sigmoid(let input, let output):
                steps.append(.sigmoid(input: try table.view(input), output: try table.view(output)))
            case .relu(let input, let output):
                steps.append(.clamp(input: try table.view(input), output: try table.view(output), lowest: 0))
            }
        }
        output = try table.view(graph.output)
        buffers = table.buffers
        views = table.views
        self.steps = steps
        planArena()
    }

    /// Views by ONNX name, and the buffers behind them.
    private struct ViewTable {
        let shapes: [String: [Int]]
        var buffers: [Buffer] = []
        var views: [View] = []
        var names: [String: Int] = [:]
        /// A concatenation's buffer view, by its parts' names.
        var concatenations: [[String]: Int] = [:]
        /// Parts that must be copied into their concatenation's slice: (part, slice view).
        var copies: [[String]: [(part: String, slice: Int)]] = [:]

        func nhwc(_ name: String) throws -> [Int] {
            guard let shape = shapes[name] else { throw ONNXError.unsupported("no shape for \(name)") }
            return [shape[0], shape[2], shape[3], shape[1]]
        }

        /// The view of `name`, a dense buffer of its own unless a concatenation placed it.
        mutating func view(_ name: String) throws -> Int {
            if let index = names[name] { return index }
            let index = dense(try nhwc(name))
            names[name] = index
            return index
        }

        /// A dense buffer of its own, shaped like `view` but with `channels` channels.
        mutating func scratch(like view: Int, channels: Int) -> Int {
            var shape = views[view].shape
            shape[3] = channels
            return dense(shape)
        }

        /// A new buffer of `shape` (NHWC), and the view of all of it.
        private mutating func dense(_ shape: [Int]) -> Int {
            buffers.append(Buffer(count: shape.reduce(1, *)))
            views.append(View(buffer: buffers.count - 1, shape: shape, pixelStride: shape[3]))
            return views.count - 1
        }

        /// Gives each concatenation a buffer and writes its parts straight into their slices
        /// where the operations around them accept strides.
        mutating func placeConcatenations(_ graph: StaticGraph) throws {
            var touchedByAdd: Set<String> = [graph.input, graph.output]
            for case .add(let a, let b, let output, _) in graph.layers { touchedByAdd.formUnion([a, b, output]) }
            for layer in graph.layers {
                guard case .convolution(let convolution) = layer, convolution.inputs.count > 1 else { continue }
                let parts = convolution.inputs.map(\.name)
                guard concatenations[parts] == nil else { continue }
                var shape = try nhwc(parts[0])
                shape[3] = convolution.inputChannels
                let whole = dense(shape)
                concatenations[parts] = whole
                let buffer = views[whole].buffer
                var offset = 0
                for part in convolution.inputs {
                    var sliceShape = shape
                    sliceShape[3] = part.channels
                    let slice = View(buffer: buffer, shape: sliceShape, channelOffset: offset, pixelStride: shape[3])
                    offset += part.channels
                    views.append(slice)
                    if names[part.name] == nil && !touchedByAdd.contains(part.name) {
                        names[part.name] = views.count - 1
                    } else {
                        copies[parts, default: []].append((part.name, views.count - 1))
                    }
                }
            }
        }
    }

    /// One convolution over its input, or over its concatenation's buffer after copying in
    /// the parts that could not be written in place.
    private static func steps(for convolution: StaticGraph.Convolution, table: inout ViewTable) throws -> [Step] {
        var steps: [Step] = []
        let input: Int
        if convolution.inputs.count > 1 {
            let parts = convolution.inputs.map(\.name)
            for copy in table.copies.removeValue(forKey: parts) ?? [] {
                steps.append(.clamp(input: try table.view(copy.part), output: copy.slice, lowest: -.infinity))
            }
            input = table.concatenations[parts]!
        } else {
            input = try table.view(convolution.inputs[0].name)
        }
        let output = try table.view(convolution.output)
        if let (taps, sum) = splitByTap(convolution) {
            let partials = table.scratch(like: input, channels: taps.groupOutputChannels)
            steps.append(.convolution(taps, input: input, output: partials))
            steps.append(.convolution(sum, input: partials, output: output))
        } else {
            steps.append(.convolution(lower(convolution), input: input, output: output))
        }
        return steps
    }

    /// XNNPACK computes output channels in tiles of 16, so a k×k convolution with few outputs
    /// (U²-Net's side outputs, 64 → 1) pays for 16. Split into a 1×1 convolution giving each
    /// (tap, output) pair's sum over the input channels, then a k×k convolution that adds the
    /// taps up through one-hot weights, it costs about a quarter. Zero padding stays exact:
    /// a padded input pixel gives zero partial sums. Nil when the split would not pay.
    static func splitByTap(_ convolution: StaticGraph.Convolution) -> (taps: Convolution, sum: Convolution)? {
        let taps = convolution.window.kernelArea, inputs = convolution.inputChannels, outputs = convolution.outputChannels
        guard convolution.groups == 1, taps > 1 else { return nil }
        func tiled(_ channels: Int) -> Int { (channels + 15) / 16 * 16 }
        let stride = convolution.window.strides.height * convolution.window.strides.width
        let whole = taps * inputs * tiled(outputs)
        let split = stride * inputs * tiled(taps * outputs) + taps * taps * outputs * tiled(outputs)
        // The split also writes and reads the partial sums: take it only when it saves plenty.
        guard 2 * split < whole else { return nil }
        let (kh, kw) = convolution.window.kernel
        var tapWeights = [Float](repeating: 0, count: taps * outputs * inputs)
        var sumWeights = [Float](repeating: 0, count: outputs * taps * taps * outputs)
        for o in 0..<outputs {
            for y in 0..<kh {
                for x in 0..<kw {
                    let tap = y * kw + x, partial = tap * outputs + o
                    for i in 0..<inputs {
                        tapWeights[partial * inputs + i] = convolution.weights[((o * inputs + i) * kh + y) * kw + x]
                    }
                    sumWeights[(o * taps + tap) * taps * outputs + partial] = 1
                }
            }
        }
        let pointwise = StaticGraph.Window(kernel: (1, 1), strides: (1, 1), padding: StaticGraph.Padding())
        return (Convolution(window: pointwise, groups: 1, groupInputChannels: inputs, groupOutputChannels: taps * outputs,
                            weights: tapWeights, bias: [Float](repeating: 0, count: taps * outputs), lowest: -.infinity),
                Convolution(window: convolution.window, groups: 1, groupInputChannels: taps * outputs,
                            groupOutputChannels: outputs, weights: sumWeights, bias: convolution.bias,
                            lowest: convolution.lowest))
    }

    /// `convolution` with OHWI weights.
    private static func lower(_ convolution: StaticGraph.Convolution) -> Convolution {
        let (kh, kw) = convolution.window.kernel
        let groups = convolution.groups
        let groupInput = convolution.inputChannels / groups, outputs = convolution.outputChannels
        var repacked = [Float](repeating: 0, count: outputs * kh * kw * groupInput)
        for o in 0..<outputs {
            for y in 0..<kh {
                for x in 0..<kw {
                    for i in 0..<groupInput {
                        repacked[((o * kh + y) * kw + x) * groupInput + i] =
                            convolution.weights[((o * groupInput + i) * kh + y) * kw + x]
                    }
                }
            }
        }
        return Convolution(window: convolution.window, groups: groups, groupInputChannels: groupInput,
                           groupOutputChannels: outputs / groups, weights: repacked, bias: convolution.bias,
                           lowest: convolution.lowest)
    }

    /// A buffer lives from the first step that writes any view of it to the last step that
    /// reads one; the network's input and output live throughout.
    private mutating func planArena() {
        var first = [Int?](repeating: nil, count: buffers.count)
        var last = [Int](repeating: 0, count: buffers.count)
        for (index, step) in steps.enumerated() {
            let written = views[step.output].buffer
            first[written] = first[written] ?? index
            last[written] = max(last[written], index)
            for input in step.inputs { last[views[input].buffer] = max(last[views[input].buffer], index) }
        }
        first[views[input].buffer] = 0
        last[views[output].buffer] = steps.count
        let requests = buffers.indices.map { index in
            let start = first[index] ?? 0
            return ArenaPlanner.Request(size: buffers[index].count + Self.slack, lifetime: start...max(start, last[index]))
        }
        let (offsets, size) = ArenaPlanner.place(requests)
        for index in buffers.indices { buffers[index].offset = offsets[index] }
        arenaSize = size + Self.slack
    }
}

extension StaticGraph.Convolution {
    /// The output clamp's floor: 0 with a fused ReLU.
    var lowest: Float { relu ? 0 : -.infinity }
}
