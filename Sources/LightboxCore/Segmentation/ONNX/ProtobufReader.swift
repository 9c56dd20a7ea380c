import Foundation

/// Reads the protobuf wire format: just enough to walk an ONNX file's messages.
struct ProtobufReader {
    enum WireType: Int {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5
    }

    struct Field {
        let number: Int
        let wireType: WireType
        /// The varint or fixed value, for scalar fields.
        let scalar: UInt64
        /// The payload, for length-delimited fields.
        let bytes: Data
    }

    private let data: Data
    private var offset: Int

    init(_ data: Data) {
        self.data = data
        offset = data.startIndex
    }

    var isAtEnd: Bool { offset >= data.endIndex }

    mutating func next() throws -> Field? {
        guard !isAtEnd else { return nil }
        let key = try varint()
        guard let wireType = WireType(rawValue: Int(key & 7)) else {
            throw ONNXError.malformed("unsupported protobuf wire type \(key & 7) at byte \(offset)")
        }
        let number = Int(key >> 3)
        switch wireType {
        case .varint:
            return Field(number: number, wireType: wireType, scalar: try varint(), bytes: Data())
        case .fixed64:
            return Field(number: number, wireType: wireType, scalar: try fixed(8), bytes: Data())
        case .fixed32:
            return Field(number: number, wireType: wireType, scalar: try fixed(4), bytes: Data())
        case .lengthDelimited:
            // A length read from the file is checked before any arithmetic on it.
            guard let length = Int(exactly: try varint()), length <= data.endIndex - offset else {
                throw ONNXError.malformed("a field runs past the end of the file")
            }
            let bytes = data[offset..<offset + length]
            offset += length
            return Field(number: number, wireType: wireType, scalar: 0, bytes: bytes)
        }
    }

    /// Calls `body` for every field of the message.
    static func forEachField(in data: Data, _ body: (Field) throws -> Void) throws {
        var reader = ProtobufReader(data)
        while let field = try reader.next() { try body(field) }
    }

    mutating func varint() throws -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < data.endIndex, shift < 64 else { throw ONNXError.malformed("a varint is cut short") }
            let byte = data[offset]
            offset += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
    }

    private mutating func fixed(_ width: Int) throws -> UInt64 {
        guard offset + width <= data.endIndex else { throw ONNXError.malformed("a fixed-width field is cut short") }
        var value: UInt64 = 0
        for index in 0..<width { value |= UInt64(data[offset + index]) << (8 * UInt64(index)) }
        offset += width
        return value
    }
}

extension ProtobufReader.Field {
    var string: String { String(decoding: bytes, as: UTF8.self) }
    var int64: Int64 { Int64(bitPattern: scalar) }
    var float: Float { Float(bitPattern: UInt32(truncatingIfNeeded: scalar)) }

    /// A repeated int64 field, packed or not.
    func int64s() throws -> [Int64] {
        guard wireType == .lengthDelimited else { return [int64] }
        var reader = ProtobufReader(bytes)
        var values: [Int64] = []
        while !reader.isAtEnd { values.append(Int64(bitPattern: try reader.varint())) }
        return values
    }

    /// A repeated float field, packed or not.
    func floats() -> [Float] {
        guard wireType == .lengthDelimited else { return [float] }
        return littleEndianFloats(bytes)
    }
}

func littleEndianFloats(_ bytes: Data) -> [Float] {
    var values = [Float](repeating: 0, count: bytes.count / 4)
    values.withUnsafeMutableBytes { target in _ = bytes.copyBytes(to: target) }
    return values
}

/// Unsigned little-endian words of `width` bytes (4 or 8).
func littleEndianWords(_ bytes: Data, width: Int) -> [UInt64] {
    let base = bytes.startIndex
    return (0..<bytes.count / width).map { index in
        (0..<width).reduce(UInt64(0)) { $0 | UInt64(bytes[base + index * width + $1]) << (8 * UInt64($1)) }
    }
}
