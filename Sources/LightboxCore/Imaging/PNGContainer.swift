import Foundation

/// libvips 8.14 saves PNG through libspng, which writes no XMP. This adds the packet as
/// the iTXt chunk readers look for (keyword `XML:com.adobe.xmp`, uncompressed), after IHDR.
enum PNGContainer {
    static func addingXMP(_ packet: Data, to data: Data) -> Data {
        let bytes = [UInt8](data)
        // 8-byte signature, then IHDR: 4 length + 4 type + 13 data + 4 CRC.
        let afterHeader = 8 + 25
        guard bytes.count > afterHeader, bytes[12..<16] == [0x49, 0x48, 0x44, 0x52] else { return data }
        let body = Array("iTXt".utf8) + Array("XML:com.adobe.xmp".utf8) + [0, 0, 0, 0, 0] + [UInt8](packet)
        var chunk = bigEndian(UInt32(body.count - 4)) + body
        chunk += bigEndian(crc32(body))
        return Data(bytes[..<afterHeader] + chunk + bytes[afterHeader...])
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        (0..<4).map { UInt8(value >> (8 * UInt32(3 - $0)) & 0xFF) }
    }

    /// The CRC-32 PNG chunks carry (ISO 3309, reflected, polynomial 0xEDB88320).
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
