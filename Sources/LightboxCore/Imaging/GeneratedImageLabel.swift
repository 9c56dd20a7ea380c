import Foundation

/// The disclosure that an image was made by a generative model, as IPTC defines it
/// (`Iptc4xmpExt:DigitalSourceType` = trainedAlgorithmicMedia) in an XMP packet, which
/// JPEG, PNG, WebP and AVIF files all carry. EU stores must label AI imagery; this is
/// the machine-readable form that marketplaces and C2PA tools read.
public enum GeneratedImageLabel {
    public static let digitalSourceType = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"

    /// `model` names the generator in `xmp:CreatorTool`.
    public static func xmp(model: String) -> Data {
        let tool = model.map { "<>&\"".contains($0) ? "_" : String($0) }.joined()
        return Data("""
        <?xpacket begin="\u{FEFF}" id="W5M0MpCehiHzreSzNTczkc9d"?>
        <x:xmpmeta xmlns:x="adobe:ns:meta/">
         <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
          <rdf:Description rdf:about=""
            xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
            xmlns:xmp="http://ns.adobe.com/xap/1.0/"
            Iptc4xmpExt:DigitalSourceType="\(digitalSourceType)"
            xmp:CreatorTool="Lightbox with \(tool)"/>
         </rdf:RDF>
        </x:xmpmeta>
        <?xpacket end="w"?>
        """.utf8)
    }

    /// Whether an encoded file carries the label (its XMP is stored uncompressed in all four formats).
    public static func isLabelled(_ file: Data) -> Bool {
        file.range(of: Data(digitalSourceType.utf8)) != nil
    }
}
