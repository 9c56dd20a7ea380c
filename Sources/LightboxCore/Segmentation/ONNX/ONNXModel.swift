import Foundation

public enum ONNXError: Error, Equatable, CustomStringConvertible {
    case malformed(String)
    case unsupported(String)

    public var description: String {
        switch self {
        case .malformed(let detail): "not a readable ONNX model: \(detail)"
        case .unsupported(let detail): detail
        }
    }
}

/// A constant tensor: an initializer, a Constant node, or a folded shape computation.
/// Floats and integers are kept apart; integers are what shape arithmetic uses.
struct ONNXTensor: Equatable {
    enum Values: Equatable {
        case float([Float])
        case int64([Int64])
    }

    var dims: [Int]
    var values: Values

    var count: Int { dims.reduce(1, *) }

    var floats: [Float] {
        switch values {
        case .float(let values): values
        case .int64(let values): values.map(Float.init)
        }
    }

    var integers: [Int64] {
        switch values {
        // A float that is not a whole Int64 (NaN, infinite, past the range) becomes 0, not a trap.
        case .float(let values): values.map { Int64(exactly: $0.rounded(.towardZero)) ?? 0 }
        case .int64(let values): values
        }
    }

    static func integers(_ values: [Int64], dims: [Int]? = nil) -> ONNXTensor {
        ONNXTensor(dims: dims ?? [values.count], values: .int64(values))
    }
}

/// One ONNX node, as written in the file.
struct ONNXNode {
    var name: String
    var opType: String
    var domain: String
    var inputs: [String]
    var outputs: [String]
    var attributes: [String: ONNXAttribute]

    func integers(_ name: String) -> [Int]? { attributes[name]?.integers.map { $0.map(Int.init) } }
    func integer(_ name: String) -> Int? { attributes[name]?.integer.map(Int.init) }
    func text(_ name: String) -> String? { attributes[name]?.text }
}

struct ONNXAttribute {
    var integer: Int64?
    var float: Float?
    var text: String?
    var integers: [Int64]?
    var floats: [Float]?
    var tensor: ONNXTensor?
}

/// The parts of an ONNX model that inference needs: nodes in file order, constant
/// initializers, and the graph's real inputs and outputs with their declared shapes.
struct ONNXModel {
    struct ValueInfo {
        var name: String
        /// Declared dimensions; nil where the file leaves a dimension symbolic.
        var dims: [Int?]
    }

    var nodes: [ONNXNode] = []
    var initializers: [String: ONNXTensor] = [:]
    var inputs: [ValueInfo] = []
    var outputs: [ValueInfo] = []

    init(parsing data: Data) throws {
        var graph: Data?
        try ProtobufReader.forEachField(in: data) { field in
            if field.number == 7, field.wireType == .lengthDelimited { graph = field.bytes }
        }
        guard let graph else { throw ONNXError.malformed("no graph in the file") }
        var declaredInputs: [ValueInfo] = []
        try ProtobufReader.forEachField(in: graph) { field in
            switch field.number {
            case 1: nodes.append(try Self.node(field.bytes))
            case 5:
                let (name, tensor) = try Self.tensor(field.bytes)
                initializers[name] = tensor
            case 11: declaredInputs.append(try Self.valueInfo(field.bytes))
            case 12: outputs.append(try Self.valueInfo(field.bytes))
            default: break
            }
        }
        // Older exporters list initializers among the inputs too.
        inputs = declaredInputs.filter { initializers[$0.name] == nil }
        guard !nodes.isEmpty, !inputs.isEmpty, !outputs.isEmpty else {
            throw ONNXError.malformed("the graph has no nodes, inputs or outputs")
        }
    }

    private static func node(_ bytes: Data) throws -> ONNXNode {
        var node = ONNXNode(name: "", opType: "", domain: "", inputs: [], outputs: [], attributes: [:])
        try ProtobufReader.forEachField(in: bytes) { field in
            switch field.number {
            case 1: node.inputs.append(field.string)
            case 2: node.outputs.append(field.string)
            case 3: node.name = field.string
            case 4: node.opType = field.string
            case 5:
                let (name, attribute) = try Self.attribute(field.bytes)
                node.attributes[name] = attribute
            case 7: node.domain = field.string
            default: break
            }
        }
        return node
    }

    private static func attribute(_ bytes: Data) throws -> (String, ONNXAttribute) {
        var name = ""
        var attribute = ONNXAttribute()
        try ProtobufReader.forEachField(in: bytes) { field in
            switch field.number {
            case 1: name = field.string
            case 2: attribute.float = field.float
            case 3: attribute.integer = field.int64
            case 4: attribute.text = field.string
            case 5: attribute.tensor = try Self.tensor(field.bytes).1
            case 7: attribute.floats = (attribute.floats ?? []) + field.floats()
            case 8: attribute.integers = (attribute.integers ?? []) + (try field.int64s())
            default: break
            }
        }
        return (name, attribute)
    }

    static func tensor(_ bytes: Data) throws -> (String, ONNXTensor) {
        var name = "", dims: [Int] = [], dataType = 0
        var raw = Data(), floatData: [Float] = [], int64Data: [Int64] = [], doubleData: [Double] = []
        var external = false
        try ProtobufReader.forEachField(in: bytes) { field in
            switch field.number {
            case 1: dims += try field.int64s().map(Int.init)
            case 2: dataType = Int(field.int64)
            case 4: floatData += field.floats()
            case 5, 7: int64Data += try field.int64s()
            case 8: name = field.string
            case 9: raw = field.bytes
            case 10:
                doubleData += field.wireType == .lengthDelimited
                    ? littleEndianWords(field.bytes, width: 8).map(Double.init(bitPattern:))
                    : [Double(bitPattern: field.scalar)]
            case 13: external = true
            default: break
            }
        }
        if external { throw ONNXError.unsupported("tensor \(name) keeps its data in an external file") }
        // Dimensions come from the file: a negative one, or a product past Int.max, is malformed.
        let count = try dims.reduce(1) { product, dim in
            let (next, overflow) = product.multipliedReportingOverflow(by: dim)
            guard dim >= 0, !overflow else {
                throw ONNXError.malformed("tensor \(name) has dimensions \(dims), which hold no array")
            }
            return next
        }
        let values: ONNXTensor.Values
        switch dataType {
        case 1:  // FLOAT
            values = .float(raw.isEmpty ? floatData : littleEndianFloats(raw))
        case 6, 7:  // INT32, INT64
            if raw.isEmpty {
                values = .int64(int64Data)
            } else if dataType == 7 {
                values = .int64(littleEndianWords(raw, width: 8).map { Int64(bitPattern: $0) })
            } else {
                values = .int64(littleEndianWords(raw, width: 4).map { Int64(Int32(bitPattern: UInt32($0))) })
            }
        case 11:  // DOUBLE
            let doubles = raw.isEmpty ? doubleData : littleEndianWords(raw, width: 8).map(Double.init(bitPattern:))
            values = .float(doubles.map(Float.init))
        default:
            throw ONNXError.unsupported("tensor \(name) has ONNX data type \(dataType)")
        }
        let tensor = ONNXTensor(dims: dims, values: values)
        let stored = switch values {
        case .float(let floats): floats.count
        case .int64(let integers): integers.count
        }
        guard stored == count else {
            throw ONNXError.malformed("tensor \(name) declares \(count) values but holds \(stored)")
        }
        return (name, tensor)
    }

    private static func valueInfo(_ bytes: Data) throws -> ValueInfo {
        var info = ValueInfo(name: "", dims: [])
        try ProtobufReader.forEachField(in: bytes) { field in
            switch field.number {
            case 1: info.name = field.string
            case 2: info.dims = try Self.declaredDims(typeProto: field.bytes)
            default: break
            }
        }
        return info
    }

    /// TypeProto → tensor_type (1) → shape (2) → dim (1) → dim_value (1).
    private static func declaredDims(typeProto: Data) throws -> [Int?] {
        var dims: [Int?] = []
        try ProtobufReader.forEachField(in: typeProto) { tensorType in
            guard tensorType.number == 1 else { return }
            try ProtobufReader.forEachField(in: tensorType.bytes) { shape in
                guard shape.number == 2 else { return }
                try ProtobufReader.forEachField(in: shape.bytes) { dim in
                    guard dim.number == 1 else { return }
                    var value: Int?
                    try ProtobufReader.forEachField(in: dim.bytes) { part in
                        if part.number == 1 { value = Int(part.int64) }
                    }
                    dims.append(value)
                }
            }
        }
        return dims
    }
}
