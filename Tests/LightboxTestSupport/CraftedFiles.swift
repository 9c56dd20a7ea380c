import Foundation

/// Hostile inputs built byte by byte.
public enum CraftedFiles {
    /// A valid PNG header declaring `width`×`height` RGB pixels, with one IDAT of 16 zero
    /// bytes: a decompression bomb's shape, though all but a header read would fail on it.
    public static func pngHeader(width: UInt32, height: UInt32) -> Data {
        var data = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var header = Data()
        header.append(contentsOf: bigEndian(width) + bigEndian(height))
        header.append(contentsOf: [8, 2, 0, 0, 0])  // 8-bit, RGB, deflate, no filter, no interlace
        data.append(chunk("IHDR", header))
        // A zlib stream holding one stored block of 16 zero bytes, and its Adler-32 (b = 16, a = 1).
        let zeros = [UInt8](repeating: 0, count: 16)
        data.append(chunk("IDAT", Data([0x78, 0x01, 0x01, 0x10, 0x00, 0xEF, 0xFF] + zeros + [0x00, 0x10, 0x00, 0x01])))
        data.append(chunk("IEND", Data()))
        return data
    }

    static func chunk(_ type: String, _ body: Data) -> Data {
        var typed = Data(type.utf8)
        typed.append(body)
        var chunk = Data(bigEndian(UInt32(body.count)))
        chunk.append(typed)
        chunk.append(contentsOf: bigEndian(crc32(typed)))
        return chunk
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    static func crc32(_ data: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return crc ^ 0xFFFF_FFFF
    }
}
