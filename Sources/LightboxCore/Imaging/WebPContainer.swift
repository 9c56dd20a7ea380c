import Foundation

/// libvips 8.14 leaves a small EXIF chunk in WebP files even when told to strip
/// metadata. This removes EXIF and XMP chunks (or EXIF alone, for a file whose XMP
/// label is wanted) from the RIFF container and clears their flags in the VP8X header.
enum WebPContainer {
    static func removingMetadata(from data: Data, keepingXMP: Bool = false) -> Data {
        let bytes = [UInt8](data)
        guard bytes.count >= 12, bytes[0..<4] == [0x52, 0x49, 0x46, 0x46], bytes[8..<12] == [0x57, 0x45, 0x42, 0x50]
        else { return data }
        var output = Array(bytes[0..<12])
        var offset = 12
        while offset + 8 <= bytes.count {
            let tag = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
            let length = Int(bytes[offset + 4]) | Int(bytes[offset + 5]) << 8
                | Int(bytes[offset + 6]) << 16 | Int(bytes[offset + 7]) << 24
            let end = min(bytes.count, offset + 8 + length + (length & 1))
            if tag != "EXIF" && (tag != "XMP " || keepingXMP) {
                var chunk = Array(bytes[offset..<end])
                // VP8X flags: bit 3 EXIF, bit 2 XMP.
                if tag == "VP8X" && chunk.count > 8 { chunk[8] &= ~UInt8(keepingXMP ? 0x08 : 0x08 | 0x04) }
                output += chunk
            }
            offset = end
        }
        let riffSize = UInt32(output.count - 8)
        for index in 0..<4 { output[4 + index] = UInt8(riffSize >> (8 * UInt32(index)) & 0xFF) }
        return Data(output)
    }
}
