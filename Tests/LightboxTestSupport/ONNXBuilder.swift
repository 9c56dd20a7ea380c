import Foundation

/// Writes small ONNX models byte by byte (protobuf wire format), for tests that need a
/// graph exercising particular operations.
public struct ONNXBuilder {
    public enum Attribute {
        case int(Int)
        case ints([Int])
        case float(Float)
        case string(String)
    }

    private var nodes: [Data] = []
    private var initializers: [Data] = []
    private var inputs: [Data] = []
    private var outputs: [Data] = []
    private var counter = 0

    public init() {}

    public mutating func input(_ name: String, dims: [Int]) { inputs.append(Self.valueInfo(name, dims)) }
    public mutating func output(_ name: String, dims: [Int]) { outputs.append(Self.valueInfo(name, dims)) }

    /// A float initializer filled with a deterministic pattern in -scale...scale.
    @discardableResult
    public mutating func weights(_ name: String, dims: [Int], scale: Float = 0.5) -> String {
        let count = dims.reduce(1, *)
        let values = (0..<count).map { index -> Float in
            let hashed = (index &* 2_654_435_761 &+ counter &* 40503) % 1000
            return (Float(hashed) / 500 - 1) * scale
        }
        counter += 1
        initializers.append(Self.floatTensor(name, dims: dims, values: values))
        return name
    }

    public mutating func integers(_ name: String, _ values: [Int64], dims: [Int]? = nil) {
        var tensor = Data()
        for dim in dims ?? [values.count] { tensor += Self.field(1, varint: UInt64(dim)) }
        tensor += Self.field(2, varint: 7)  // INT64
        tensor += Self.field(8, string: name)
        tensor += Self.field(9, bytes: Data(values.flatMap { value in (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }))
        initializers.append(tensor)
    }

    public mutating func node(_ op: String, _ inputs: [String], _ outputs: [String],
                              _ attributes: [String: Attribute] = [:]) {
        var node = Data()
        for input in inputs { node += Self.field(1, string: input) }
        for output in outputs { node += Self.field(2, string: output) }
        node += Self.field(3, string: "\(op)_\(nodes.count)")
        node += Self.field(4, string: op)
        for (name, value) in attributes.sorted(by: { $0.key < $1.key }) {
            var attribute = Self.field(1, string: name)
            switch value {
            case .int(let int):
                attribute += Self.field(20, varint: 2) + Self.field(3, varint: UInt64(bitPattern: Int64(int)))
            case .ints(let ints):
                attribute += Self.field(20, varint: 7)
                for int in ints { attribute += Self.field(8, varint: UInt64(bitPattern: Int64(int))) }
            case .float(let float):
                attribute += Self.field(20, varint: 1) + Self.key(2, wireType: 5) + Self.littleEndian(float.bitPattern)
            case .string(let string):
                attribute += Self.field(20, varint: 3) + Self.field(4, string: string)
            }
            node += Self.field(5, bytes: attribute)
        }
        nodes.append(node)
    }

    public func model() -> Data {
        var graph = Data()
        for node in nodes { graph += Self.field(1, bytes: node) }
        graph += Self.field(2, string: "test")
        for initializer in initializers { graph += Self.field(5, bytes: initializer) }
        for input in inputs { graph += Self.field(11, bytes: input) }
        for output in outputs { graph += Self.field(12, bytes: output) }
        let opset = Self.field(1, string: "") + Self.field(2, varint: 11)
        return Self.field(1, varint: 6) + Self.field(8, bytes: opset) + Self.field(7, bytes: graph)
    }

    private static func floatTensor(_ name: String, dims: [Int], values: [Float]) -> Data {
        var tensor = Data()
        for dim in dims { tensor += field(1, varint: UInt64(dim)) }
        tensor += field(2, varint: 1)  // FLOAT
        tensor += field(8, string: name)
        tensor += field(9, bytes: Data(values.flatMap { littleEndian($0.bitPattern) }))
        return tensor
    }

    private static func valueInfo(_ name: String, _ dims: [Int]) -> Data {
        var shape = Data()
        for dim in dims { shape += field(1, bytes: field(1, varint: UInt64(dim))) }
        let tensorType = field(1, varint: 1) + field(2, bytes: shape)
        return field(1, string: name) + field(2, bytes: field(1, bytes: tensorType))
    }

    private static func key(_ number: Int, wireType: Int) -> Data { varint(UInt64(number << 3 | wireType)) }
    private static func field(_ number: Int, varint value: UInt64) -> Data { key(number, wireType: 0) + varint(value) }
    private static func field(_ number: Int, string: String) -> Data { field(number, bytes: Data(string.utf8)) }
    private static func field(_ number: Int, bytes: Data) -> Data {
        key(number, wireType: 2) + varint(UInt64(bytes.count)) + bytes
    }

    private static func varint(_ value: UInt64) -> Data {
        var value = value, bytes = Data()
        repeat {
            bytes.append(UInt8(value & 0x7F) | (value > 0x7F ? 0x80 : 0))
            value >>= 7
        } while value > 0
        return bytes
    }

    private static func littleEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(value >> (8 * $0) & 0xFF) } }
}

extension ONNXBuilder {
    /// A network that uses every operation the XNNPACK path maps, in the shapes U²-Net uses
    /// them: Conv(+Relu), MaxPool with ceil_mode on an odd size, Resize (linear,
    /// pytorch_half_pixel) whose sizes come from a Shape/Gather/Unsqueeze/Concat/Cast/Slice
    /// subgraph, Concat feeding a convolution, a one-output 3×3 convolution (which the plan
    /// splits by tap), Add, and Sigmoid. `extra` inserts one more
    /// operation (to test what happens when it is not mapped).
    public static func everyMappedOperation(extra: String? = nil) -> Data {
        var b = ONNXBuilder()
        b.input("image", dims: [1, 3, 15, 15])
        b.weights("w1", dims: [4, 3, 3, 3]); b.weights("b1", dims: [4], scale: 0.1)
        b.node("Conv", ["image", "w1", "b1"], ["c1"], ["kernel_shape": .ints([3, 3]), "pads": .ints([1, 1, 1, 1])])
        b.node("Relu", ["c1"], ["r1"])
        b.node("MaxPool", ["r1"], ["p1"], ["kernel_shape": .ints([2, 2]), "strides": .ints([2, 2]), "ceil_mode": .int(1)])
        b.weights("w2", dims: [4, 4, 3, 3]); b.weights("b2", dims: [4], scale: 0.1)
        b.node("Conv", ["p1", "w2", "b2"], ["c2"], ["kernel_shape": .ints([3, 3]), "pads": .ints([2, 2, 2, 2]),
                                                    "dilations": .ints([2, 2])])
        b.node("Relu", ["c2"], ["r2"])
        // sizes = concat(shape(r2)[0:2], cast(unsqueeze(gather(shape(r1), 2)), unsqueeze(gather(shape(r1), 3))))
        b.node("Shape", ["r1"], ["s1"])
        b.integers("two", [2], dims: []); b.integers("three", [3], dims: [])
        b.node("Gather", ["s1", "two"], ["h"], ["axis": .int(0)])
        b.node("Gather", ["s1", "three"], ["w"], ["axis": .int(0)])
        b.node("Unsqueeze", ["h"], ["h1"], ["axes": .ints([0])])
        b.node("Unsqueeze", ["w"], ["w1u"], ["axes": .ints([0])])
        b.node("Concat", ["h1", "w1u"], ["hw"], ["axis": .int(0)])
        b.node("Shape", ["r2"], ["s2"])
        b.integers("zero", [0]); b.integers("end", [2])
        b.node("Slice", ["s2", "zero", "end", "zero"], ["nc"])
        b.node("Cast", ["hw"], ["hw64"], ["to": .int(7)])
        b.node("Concat", ["nc", "hw64"], ["sizes"], ["axis": .int(0)])
        b.weights("roi", dims: [0]); b.weights("scales", dims: [0])
        b.node("Resize", ["r2", "roi", "scales", "sizes"], ["up"], ["mode": .string("linear"),
                                                         "coordinate_transformation_mode": .string("pytorch_half_pixel")])
        b.node("Concat", ["up", "r1"], ["cat"], ["axis": .int(1)])
        b.weights("w3", dims: [4, 8, 3, 3]); b.weights("b3", dims: [4], scale: 0.1)
        b.node("Conv", ["cat", "w3", "b3"], ["c3"], ["kernel_shape": .ints([3, 3]), "pads": .ints([1, 1, 1, 1])])
        b.node("Relu", ["c3"], ["r3"])
        b.node("Add", ["r3", "r1"], ["sum"])
        var last = "sum"
        if let extra {
            b.node(extra, ["sum"], ["extra"])
            last = "extra"
        }
        b.weights("w4", dims: [1, 4, 1, 1]); b.weights("b4", dims: [1], scale: 0.1)
        b.node("Conv", [last, "w4", "b4"], ["c4"], ["kernel_shape": .ints([1, 1])])
        // A side output: a wide layer read by a dilated 3×3 convolution with one output channel.
        b.weights("w5", dims: [32, 4, 3, 3]); b.weights("b5", dims: [32], scale: 0.1)
        b.node("Conv", [last, "w5", "b5"], ["c5"], ["kernel_shape": .ints([3, 3]), "pads": .ints([1, 1, 1, 1])])
        b.node("Relu", ["c5"], ["r5"])
        b.weights("w6", dims: [1, 32, 3, 3], scale: 0.1); b.weights("b6", dims: [1], scale: 0.1)
        b.node("Conv", ["r5", "w6", "b6"], ["side"], ["kernel_shape": .ints([3, 3]), "pads": .ints([2, 2, 2, 2]),
                                                      "dilations": .ints([2, 2])])
        b.node("Add", ["c4", "side"], ["logits"])
        b.node("Sigmoid", ["logits"], ["mask"])
        b.output("mask", dims: [1, 1, 15, 15])
        return b.model()
    }
}
