/// A SKU as a folder name: path separators, control characters and a leading dot become
/// "_", so that no SKU can reach outside its store view's folder.
enum SKUFolder {
    static func name(_ sku: String) -> String {
        var name = String(sku.map { $0 == "/" || $0 == "\\" || $0 == ":" || $0.isNewline || $0.asciiValue.map { $0 < 32 } == true
            ? "_" : $0 })
        if name.hasPrefix(".") { name = "_" + name.dropFirst() }
        return name.isEmpty ? "_" : String(name.prefix(200))
    }
}
