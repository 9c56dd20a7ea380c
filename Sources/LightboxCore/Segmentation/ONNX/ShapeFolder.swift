import Foundation

/// Knows every constant tensor and every feature map's shape, and evaluates the small
/// integer subgraphs (Shape → Gather → Unsqueeze → Concat → …) that exporters emit to
/// compute sizes, so that each size becomes a constant for one input size.
struct ShapeFolder {
    var constants: [String: ONNXTensor]
    var shapes: [String: [Int]] = [:]

    static let foldable: Set<String> = ["Constant", "Identity", "Shape", "Gather", "Unsqueeze", "Squeeze", "Slice",
                                        "Cast", "Concat", "Add", "Sub", "Mul", "Div", "Floor", "Ceil"]

    /// Evaluates `node` if its result is a constant; returns false for feature-map operations.
    mutating func fold(_ node: ONNXNode) throws -> Bool {
        guard Self.foldable.contains(node.opType), let output = node.outputs.first else { return false }
        if node.opType == "Constant" {
            guard let value = node.attributes["value"]?.tensor
                ?? node.attributes["value_ints"]?.integers.map({ ONNXTensor.integers($0) })
                ?? node.attributes["value_int"]?.integer.map({ ONNXTensor.integers([$0], dims: []) })
            else { throw ONNXError.unsupported("Constant without a tensor value") }
            constants[output] = value
            return true
        }
        if node.opType == "Shape" {
            guard let input = node.inputs.first, let shape = shapes[input] ?? constants[input]?.dims else { return false }
            constants[output] = .integers(shape.map(Int64.init))
            return true
        }
        let inputs = node.inputs.filter { !$0.isEmpty }
        guard inputs.allSatisfy({ constants[$0] != nil }) else { return false }
        guard !inputs.isEmpty else { throw ONNXError.malformed("\(node.opType) \(node.name) has no inputs") }
        constants[output] = try evaluate(node, inputs.map { constants[$0]! })
        return true
    }

    private func evaluate(_ node: ONNXNode, _ inputs: [ONNXTensor]) throws -> ONNXTensor {
        let first = inputs[0]
        switch node.opType {
        case "Identity":
            return first
        case "Gather":
            guard (node.integer("axis") ?? 0) == 0, first.dims.count == 1, inputs.count == 2 else {
                throw ONNXError.unsupported("Gather on more than a list of sizes")
            }
            let values = first.integers
            let picked = try inputs[1].integers.map { index -> Int64 in
                let position = Int(index < 0 ? index + Int64(values.count) : index)
                guard values.indices.contains(position) else { throw ONNXError.malformed("Gather index out of range") }
                return values[position]
            }
            return .integers(picked, dims: inputs[1].dims)
        case "Unsqueeze", "Squeeze":
            let axes = node.integers("axes") ?? (inputs.count > 1 ? inputs[1].integers.map(Int.init) : [])
            var dims = first.dims
            if node.opType == "Unsqueeze" {
                for axis in axes.map({ $0 < 0 ? $0 + dims.count + axes.count : $0 }).sorted() {
                    guard (0...dims.count).contains(axis) else { throw ONNXError.malformed("Unsqueeze axis \(axis) out of range") }
                    dims.insert(1, at: axis)
                }
            } else {
                let dropped = Set(axes.map { $0 < 0 ? $0 + dims.count : $0 })
                dims = dims.enumerated().filter { axes.isEmpty ? $0.element != 1 : !dropped.contains($0.offset) }.map(\.element)
            }
            return ONNXTensor(dims: dims, values: first.values)
        case "Slice":
            return try slice(node, inputs)
        case "Cast":
            let to = node.integer("to") ?? 1
            switch to {
            case 6, 7: return ONNXTensor(dims: first.dims, values: .int64(first.integers))
            case 1, 11: return ONNXTensor(dims: first.dims, values: .float(first.floats))
            default: throw ONNXError.unsupported("Cast to ONNX type \(to)")
            }
        case "Concat":
            guard inputs.allSatisfy({ $0.dims.count <= 1 }) else { throw ONNXError.unsupported("Concat of constant matrices") }
            if inputs.allSatisfy({ if case .int64 = $0.values { true } else { false } }) {
                return .integers(inputs.flatMap(\.integers))
            }
            let floats = inputs.flatMap(\.floats)
            return ONNXTensor(dims: [floats.count], values: .float(floats))
        case "Floor", "Ceil":
            let rounded = first.floats.map { node.opType == "Floor" ? $0.rounded(.down) : $0.rounded(.up) }
            return ONNXTensor(dims: first.dims, values: .float(rounded))
        default:
            guard inputs.count == 2 else { throw ONNXError.malformed("\(node.opType) \(node.name) takes two inputs") }
            return try arithmetic(node.opType, first, inputs[1])
        }
    }

    /// Slices a list of sizes (ONNX opset 10+: starts, ends, axes, steps as inputs).
    private func slice(_ node: ONNXNode, _ inputs: [ONNXTensor]) throws -> ONNXTensor {
        let data = inputs[0]
        guard data.dims.count == 1 else { throw ONNXError.unsupported("Slice of a constant matrix") }
        let starts = inputs.count > 1 ? inputs[1].integers : (node.attributes["starts"]?.integers ?? [0])
        let ends = inputs.count > 2 ? inputs[2].integers : (node.attributes["ends"]?.integers ?? [Int64.max])
        let step = inputs.count > 4 ? Int(inputs[4].integers.first ?? 1) : 1
        guard step == 1 else { throw ONNXError.unsupported("Slice with a step") }
        let count = Int64(data.count)
        func clamp(_ value: Int64) -> Int { Int(max(0, min(count, value < 0 ? value + count : value))) }
        let (start, end) = (clamp(starts.first ?? 0), clamp(ends.first ?? count))
        let range = start..<max(start, end)
        switch data.values {
        case .int64(let values): return .integers(Array(values[range]))
        case .float(let values): return ONNXTensor(dims: [range.count], values: .float(Array(values[range])))
        }
    }

    private func arithmetic(_ op: String, _ a: ONNXTensor, _ b: ONNXTensor) throws -> ONNXTensor {
        guard a.count == b.count || a.count == 1 || b.count == 1 else {
            throw ONNXError.unsupported("\(op) of constants with different shapes")
        }
        let dims = a.count >= b.count ? a.dims : b.dims, count = max(a.count, b.count)
        // Broadcasting a single value; the same arithmetic on integers or floats.
        func combine<T>(_ x: [T], _ y: [T], _ operation: (T, T) -> T) -> [T] {
            (0..<count).map { operation(x[a.count == 1 ? 0 : $0], y[b.count == 1 ? 0 : $0]) }
        }
        if case .int64 = a.values, case .int64 = b.values {
            // Sizes wrap instead of trapping: a model whose sizes overflow fails the shape check.
            let operation: (Int64, Int64) -> Int64 = switch op {
            case "Add": (&+)
            case "Sub": (&-)
            case "Mul": (&*)
            default: { l, r in r == 0 || (l == .min && r == -1) ? 0 : l / r }
            }
            return .integers(combine(a.integers, b.integers, operation), dims: dims)
        }
        let operation: (Float, Float) -> Float = switch op {
        case "Add": (+)
        case "Sub": (-)
        case "Mul": (*)
        default: (/)
        }
        return ONNXTensor(dims: dims, values: .float(combine(a.floats, b.floats, operation)))
    }

    /// Records the output shape of a feature-map operation; unknown operations get none.
    mutating func inferShape(_ node: ONNXNode) throws {
        guard let output = node.outputs.first, let shape = shapes[node.inputs.first ?? ""] else { return }
        switch node.opType {
        case "Relu", "Sigmoid", "Identity", "LeakyRelu", "Tanh", "Clip":
            shapes[output] = shape
        case "Conv":
            guard node.inputs.count > 1, let weights = constants[node.inputs[1]], weights.dims.count == 4, shape.count == 4 else { return }
            shapes[output] = [shape[0], weights.dims[0]] + (try window(node, shape, kernel: Array(weights.dims[2...3]), ceil: false))
        case "MaxPool", "AveragePool":
            guard let kernel = node.integers("kernel_shape"), kernel.count == 2, shape.count == 4 else { return }
            shapes[output] = Array(shape[0...1]) + (try window(node, shape, kernel: kernel, ceil: node.integer("ceil_mode") == 1))
        case "Concat":
            let parts = node.inputs.compactMap { shapes[$0] }
            guard parts.count == node.inputs.count, let axis = node.integer("axis") else { return }
            let position = axis < 0 ? axis + shape.count : axis
            guard shape.indices.contains(position), parts.allSatisfy({ $0.count == shape.count }) else {
                throw ONNXError.malformed("Concat \(node.name) joins maps of other ranks or on axis \(axis)")
            }
            var joined = shape
            joined[position] = parts.reduce(0) { $0 + $1[position] }
            shapes[output] = joined
        case "Add", "Mul", "Sub", "Div":
            guard node.inputs.count > 1 else { return }
            let other = shapes[node.inputs[1]] ?? constants[node.inputs[1]]?.dims ?? []
            let rank = max(shape.count, other.count)
            let padded = [Int](repeating: 1, count: rank - shape.count) + shape
            let paddedOther = [Int](repeating: 1, count: rank - other.count) + other
            shapes[output] = zip(padded, paddedOther).map { max($0, $1) }
        case "Resize", "Upsample":
            shapes[output] = resizedShape(node, shape)
        default:
            break
        }
    }

    private func resizedShape(_ node: ONNXNode, _ shape: [Int]) -> [Int]? {
        let sizesName = node.inputs.count > 3 ? node.inputs[3] : ""
        if let sizes = constants[sizesName]?.integers, sizes.count == shape.count { return sizes.map(Int.init) }
        let scalesName = node.opType == "Upsample" ? node.inputs[1] : (node.inputs.count > 2 ? node.inputs[2] : "")
        guard let scales = constants[scalesName]?.floats, scales.count == shape.count,
              scales.allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= 1024 }) else { return nil }
        return zip(shape, scales).map { Int((Float($0) * $1).rounded(.down)) }
    }

    /// Height and width after a sliding window (convolution or pooling). Attributes come from
    /// the file: each is checked before any arithmetic on it.
    private func window(_ node: ONNXNode, _ shape: [Int], kernel: [Int], ceil: Bool) throws -> [Int] {
        let pads = node.integers("pads") ?? [0, 0, 0, 0]
        let strides = node.integers("strides") ?? [1, 1]
        let dilations = node.integers("dilations") ?? [1, 1]
        let bounded = 0...Self.maxDimension
        guard pads.count == 4, strides.count == 2, dilations.count == 2, kernel.count == 2,
              (pads + shape).allSatisfy(bounded.contains), (strides + dilations + kernel).allSatisfy((1...Self.maxDimension).contains)
        else { throw ONNXError.malformed("\(node.opType) \(node.name) has a window the reader cannot lay out") }
        return try (0..<2).map { axis in
            let padded = shape[2 + axis] + pads[axis] + pads[axis + 2]
            let span = (kernel[axis] - 1) * dilations[axis] + 1
            guard padded >= span else { throw ONNXError.malformed("\(node.opType) \(node.name)'s window is larger than its input") }
            let steps = Double(padded - span) / Double(strides[axis])
            var size = Int(ceil ? steps.rounded(.up) : steps.rounded(.down)) + 1
            // A last window must start inside the input or its leading padding.
            if ceil && (size - 1) * strides[axis] >= shape[2 + axis] + pads[axis] { size -= 1 }
            return size
        }
    }

    /// No feature map or window in a segmentation model comes near this many pixels across.
    static let maxDimension = 1 << 20
}
