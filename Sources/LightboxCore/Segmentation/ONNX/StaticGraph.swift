import Foundation

/// An ONNX network lowered for a fast backend: every shape fixed for one input size,
/// shape arithmetic folded away, and only the layers that lead to the chosen output.
/// Shapes are NCHW, as in the file.
struct StaticGraph {
    struct Convolution {
        /// The convolution's inputs: one tensor, or the parts of a channel concatenation
        /// that fed it, with their channel counts.
        var inputs: [(name: String, channels: Int)]
        var output: String
        /// OIHW, as in the file.
        var weights: [Float]
        var bias: [Float]
        var outputChannels: Int
        var window: Window
        var groups: Int
        var relu: Bool

        var inputChannels: Int { inputs.reduce(0) { $0 + $1.channels } }
    }

    struct Padding: Equatable {
        var top = 0, left = 0, bottom = 0, right = 0
    }

    /// Where a convolution or pooling kernel reads: its size, steps, spacing and padding.
    struct Window: Sendable {
        var kernel: (height: Int, width: Int)
        var strides: (height: Int, width: Int)
        var dilations: (height: Int, width: Int) = (1, 1)
        var padding: Padding

        var kernelArea: Int { kernel.height * kernel.width }
    }

    struct MaxPool {
        var input: String, output: String
        /// Its padding includes the extra bottom/right rows that `ceil_mode` implies.
        var window: Window
    }

    enum ResizeAlignment {
        case halfPixel, alignCorners, asymmetric
    }

    enum Layer {
        case convolution(Convolution)
        case maxPool(MaxPool)
        case resizeBilinear(input: String, output: String, height: Int, width: Int, alignment: ResizeAlignment)
        case add(String, String, output: String, relu: Bool)
        case sigmoid(input: String, output: String)
        case relu(input: String, output: String)

        var output: String {
            switch self {
            case .convolution(let convolution): convolution.output
            case .maxPool(let pool): pool.output
            case .resizeBilinear(_, let output, _, _, _), .add(_, _, let output, _), .sigmoid(_, let output),
                 .relu(_, let output): output
            }
        }
    }

    var input: String
    var output: String
    var shapes: [String: [Int]]
    var layers: [Layer]

    var inputShape: [Int] { shapes[input]! }
    var outputShape: [Int] { shapes[output]! }
}

extension StaticGraph {
    /// Lowers `model` for an input of `inputSize`, keeping what output `outputIndex` needs.
    /// Throws `ONNXError.unsupported` naming every operation it cannot map.
    init(model: ONNXModel, inputSize: PixelSize, outputIndex: Int) throws {
        guard model.outputs.indices.contains(outputIndex) else {
            throw ONNXError.unsupported("the model has no output number \(outputIndex)")
        }
        let declared = model.inputs[0]
        let channels = declared.dims.count == 4 ? (declared.dims[1] ?? 3) : 3
        var folder = ShapeFolder(constants: model.initializers)
        folder.shapes[declared.name] = [1, channels, inputSize.height, inputSize.width]
        var dynamicNodes: [ONNXNode] = []
        for node in model.nodes {
            if try folder.fold(node) { continue }
            try folder.inferShape(node)
            dynamicNodes.append(node)
        }
        // Sizes come from the file: none is negative or past what a segmentation model could use.
        if let (name, shape) = folder.shapes.first(where: { !$0.value.allSatisfy((0...ShapeFolder.maxDimension).contains) }) {
            throw ONNXError.malformed("\(name) would have shape \(shape)")
        }
        let output = model.outputs[outputIndex].name
        let needed = Self.needed(dynamicNodes, for: output)
        var lowering = Lowering(nodes: needed, folder: folder, output: output)
        self.init(input: declared.name, output: output, shapes: folder.shapes, layers: try lowering.layers())
        // A graph that never computes its declared output has no shape for it.
        guard let shape = shapes[output], shape.count == 4, shape[1] == 1 else {
            throw ONNXError.unsupported("output \(output) has shape \(shapes[output].map { "\($0)" } ?? "unknown"), not a one-channel mask")
        }
    }

    /// The dynamic nodes that `output` depends on, in file order.
    private static func needed(_ nodes: [ONNXNode], for output: String) -> [ONNXNode] {
        var wanted: Set<String> = [output]
        var kept: [ONNXNode] = []
        for node in nodes.reversed() where node.outputs.contains(where: wanted.contains) {
            kept.append(node)
            wanted.formUnion(node.inputs.filter { !$0.isEmpty })
        }
        return kept.reversed()
    }
}

/// Turns the needed ONNX nodes into layers: fuses ReLU into the convolution or addition
/// before it, and concatenations into the convolutions they feed.
private struct Lowering {
    let nodes: [ONNXNode]
    let folder: ShapeFolder
    let output: String
    let consumers: [String: [ONNXNode]]
    let producers: [String: ONNXNode]

    init(nodes: [ONNXNode], folder: ShapeFolder, output: String) {
        self.nodes = nodes
        self.folder = folder
        self.output = output
        var consumers: [String: [ONNXNode]] = [:], producers: [String: ONNXNode] = [:]
        for node in nodes {
            for input in node.inputs where !input.isEmpty { consumers[input, default: []].append(node) }
            for output in node.outputs { producers[output] = node }
        }
        self.consumers = consumers
        self.producers = producers
    }

    mutating func layers() throws -> [StaticGraph.Layer] {
        var layers: [StaticGraph.Layer] = []
        var unsupported: [String] = []
        for node in nodes {
            do {
                if let layer = try lower(node) { layers.append(layer) }
            } catch ONNXError.unsupported(let reason) {
                unsupported.append(reason)
            }
        }
        guard unsupported.isEmpty else {
            throw ONNXError.unsupported(Array(Set(unsupported)).sorted().joined(separator: "; "))
        }
        return layers
    }

    /// The single ReLU that alone consumes `tensor`, if it can be fused.
    private func fusedRelu(after tensor: String) -> ONNXNode? {
        guard tensor != output, let readers = consumers[tensor], readers.count == 1, readers[0].opType == "Relu"
        else { return nil }
        return readers[0]
    }

    private func lower(_ node: ONNXNode) throws -> StaticGraph.Layer? {
        guard let input = node.inputs.first, let result = node.outputs.first else {
            throw ONNXError.malformed("\(node.opType) \(node.name) has no input or no output")
        }
        switch node.opType {
        case "Conv":
            return .convolution(try convolution(node))
        case "Relu":
            // Already folded into the layer before it?
            if let producer = producers[input], ["Conv", "Add"].contains(producer.opType), fusedRelu(after: input) != nil {
                return nil
            }
            return .relu(input: input, output: result)
        case "Concat":
            let readers = consumers[result] ?? []
            guard node.integer("axis") == 1, result != output, !readers.isEmpty,
                  readers.allSatisfy({ $0.opType == "Conv" && ($0.integer("group") ?? 1) == 1 })
            else { throw ONNXError.unsupported("Concat that does not feed only convolutions") }
            return nil
        case "MaxPool":
            return .maxPool(try maxPool(node))
        case "Resize", "Upsample":
            return try resize(node)
        case "Add":
            guard node.inputs.count == 2, folder.shapes[node.inputs[0]] == folder.shapes[node.inputs[1]],
                  folder.shapes[node.inputs[0]]?.count == 4
            else { throw ONNXError.unsupported("Add of tensors with different shapes") }
            let relu = fusedRelu(after: result)
            return .add(node.inputs[0], node.inputs[1], output: relu?.outputs[0] ?? result, relu: relu != nil)
        case "Sigmoid":
            return .sigmoid(input: input, output: result)
        default:
            throw ONNXError.unsupported("operation \(node.opType)")
        }
    }

    private func convolution(_ node: ONNXNode) throws -> StaticGraph.Convolution {
        guard node.inputs.count >= 2, let weights = folder.constants[node.inputs[1]], weights.dims.count == 4 else {
            throw ONNXError.unsupported("Conv without constant 2D weights")
        }
        guard (node.text("auto_pad") ?? "NOTSET") == "NOTSET" else { throw ONNXError.unsupported("Conv with auto_pad") }
        let outputChannels = weights.dims[0]
        let bias = node.inputs.count > 2 && !node.inputs[2].isEmpty
            ? (folder.constants[node.inputs[2]]?.floats ?? [])
            : [Float](repeating: 0, count: outputChannels)
        guard bias.count == outputChannels else { throw ONNXError.unsupported("Conv with a non-constant bias") }
        var inputs: [(name: String, channels: Int)] = [(node.inputs[0], channels(of: node.inputs[0]))]
        if let concat = producers[node.inputs[0]], concat.opType == "Concat" {
            inputs = concat.inputs.map { ($0, channels(of: $0)) }
        }
        let relu = fusedRelu(after: node.outputs[0])
        let kernel = weights.dims[2...3].map { $0 }
        return StaticGraph.Convolution(
            inputs: inputs, output: relu?.outputs[0] ?? node.outputs[0], weights: weights.floats, bias: bias,
            outputChannels: outputChannels,
            window: StaticGraph.Window(kernel: (kernel[0], kernel[1]), strides: pair(node.integers("strides")),
                                       dilations: pair(node.integers("dilations")),
                                       padding: padding(node.integers("pads"))),
            groups: node.integer("group") ?? 1, relu: relu != nil)
    }

    private func maxPool(_ node: ONNXNode) throws -> StaticGraph.MaxPool {
        guard (node.text("auto_pad") ?? "NOTSET") == "NOTSET", (node.integers("dilations") ?? [1, 1]) == [1, 1],
              let kernel = node.integers("kernel_shape"), kernel.count == 2,
              let shape = folder.shapes[node.inputs[0]], let out = folder.shapes[node.outputs[0]], shape.count == 4, out.count == 4
        else { throw ONNXError.unsupported("MaxPool with auto_pad, dilation or a non-2D kernel") }
        var padding = padding(node.integers("pads"))
        let strides = pair(node.integers("strides"))
        // ceil_mode: pad the bottom and right so that a floor-rounding pool yields the same size.
        padding.bottom += max(0, (out[2] - 1) * strides.height + kernel[0] - (shape[2] + padding.top + padding.bottom))
        padding.right += max(0, (out[3] - 1) * strides.width + kernel[1] - (shape[3] + padding.left + padding.right))
        let window = StaticGraph.Window(kernel: (kernel[0], kernel[1]), strides: strides, padding: padding)
        return StaticGraph.MaxPool(input: node.inputs[0], output: node.outputs[0], window: window)
    }

    private func resize(_ node: ONNXNode) throws -> StaticGraph.Layer {
        guard (node.text("mode") ?? "nearest") == "linear", let out = folder.shapes[node.outputs[0]] else {
            throw ONNXError.unsupported("Resize other than linear")
        }
        guard out.count == 4 else { throw ONNXError.unsupported("Resize of a \(out.count)-dimensional tensor") }
        let alignment: StaticGraph.ResizeAlignment
        switch node.text("coordinate_transformation_mode") ?? "half_pixel" {
        case "half_pixel", "pytorch_half_pixel": alignment = .halfPixel
        case "align_corners": alignment = .alignCorners
        case "asymmetric": alignment = .asymmetric
        case let other: throw ONNXError.unsupported("Resize with \(other) coordinates")
        }
        return .resizeBilinear(input: node.inputs[0], output: node.outputs[0], height: out[2], width: out[3],
                               alignment: alignment)
    }

    /// A feature map's channels, 0 when its shape is unknown or has none.
    private func channels(of tensor: String) -> Int {
        guard let shape = folder.shapes[tensor], shape.count > 1 else { return 0 }
        return shape[1]
    }

    private func pair(_ values: [Int]?) -> (height: Int, width: Int) {
        guard let values, values.count == 2 else { return (1, 1) }
        return (values[0], values[1])
    }

    /// ONNX orders pads as top, left, bottom, right.
    private func padding(_ pads: [Int]?) -> StaticGraph.Padding {
        guard let pads, pads.count == 4 else { return StaticGraph.Padding() }
        return StaticGraph.Padding(top: pads[0], left: pads[1], bottom: pads[2], right: pads[3])
    }
}
