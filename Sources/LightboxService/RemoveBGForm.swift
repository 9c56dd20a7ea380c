import Foundation
import LightboxCore

/// `POST /v1.0/removebg` as remove.bg's API v1.0 defines it: its parameters, with its
/// meanings and defaults, mapped onto pipeline options at the boundary. Every option still
/// goes through its own declaration; a bad value names the remove.bg parameter.
struct RemoveBGForm {
    /// What the client asked for that the answer, not the pipeline, deals with.
    enum Packaging: Equatable {
        case image(OutputFormat)
        /// A ZIP of color.jpg and alpha.png.
        case zip
    }

    static let parameters = [
        "image_file", "image_file_b64", "image_url", "size", "type", "type_level", "format", "roi", "crop",
        "crop_margin", "scale", "position", "channels", "add_shadow", "semitransparency", "bg_color",
        "bg_image_url", "bg_image_file",
    ]
    static let types = ["auto", "person", "product", "animal", "car", "car_interior", "car_part", "transportation",
                        "graphics", "other"]
    /// remove.bg's size names → the most megapixels the result may have.
    static let sizes: [String: Double] = [
        "auto": 50, "full": 50, "50mp": 50, "4k": 10, "hd": 4, "medium": 1.5, "regular": 0.25, "small": 0.25,
        "preview": 0.25,
    ]

    let source: ProductPhotoForm.Source
    /// bg_image_file or bg_image_url: a photo to put behind the product.
    let backgroundSource: ProductPhotoForm.Source?
    let options: [JobPayload.Pair]
    let resolved: ProcessOptions
    let packaging: Packaging
    /// What `X-Type` answers: the type asked for, or `product` for auto.
    let foregroundType: String

    init(fields form: RequestFields, limits: DecodeLimits) throws {
        if let unknown = form.fields.first(where: { !Self.parameters.contains($0.name) }) {
            throw LightboxError(.invalidOption, "Unknown parameter '\(unknown.name)'; the parameters are "
                                + Self.parameters.joined(separator: ", "))
        }
        let text = { (name: String) -> String? in form.text(name).flatMap { $0.isEmpty ? nil : $0 } }
        let makeSource = try Self.source(form, limits: limits)
        let makeBackground = try Self.background(form, limits: limits)

        var options: [(name: String, value: String)] = []
        func choose<T>(_ name: String, from table: [String: T], default fallback: String) throws -> T {
            let value = (text(name) ?? fallback).lowercased()
            guard let chosen = table[value] else {
                throw LightboxError.invalidOption(name, expected: "one of " + table.keys.sorted().joined(separator: ", "),
                                                  received: value)
            }
            return chosen
        }
        func flag(_ name: String) throws -> Bool {
            try choose(name, from: ["true": true, "1": true, "yes": true, "false": false, "0": false, "no": false],
                       default: "false")
        }
        options.append(("photo-megapixels", String(try choose("size", from: Self.sizes, default: "auto"))))
        let type = try choose("type", from: Dictionary(uniqueKeysWithValues: Self.types.map { ($0, $0) }), default: "auto")
        foregroundType = type == "auto" ? "product" : type
        options.append(("frame", try flag("crop") ? "product" : "photo"))
        options.append(("shadow", try flag("add_shadow") ? "natural" : "none"))
        _ = try flag("semitransparency")  // our matte keeps soft edges and glass either way
        if makeBackground != nil, text("bg_color") != nil {
            throw LightboxError(.invalidOption, "Send bg_color or a background image (bg_image_url, bg_image_file), not both")
        }
        // A background photo is opaque; white stands for it until the worker lays it.
        let background = try makeBackground != nil ? "#ffffff" : text("bg_color").map(Self.colour)
        let channels = try choose("channels", from: ["rgba": Channels.rgba, "alpha": .alpha], default: "rgba")
        let format = try choose("format", from: ["auto": "auto", "png": "png", "jpg": "jpeg", "jpeg": "jpeg",
                                                 "webp": "webp", "zip": "zip"], default: "auto")
        switch format {
        case "zip":
            packaging = .zip
            options += [("format", "jpeg"), ("channels", "split")]
        case "auto":
            // PNG when the result has transparency, else JPEG.
            let opaque = background != nil && background != "transparent" || channels == .alpha
            packaging = .image(opaque ? .jpeg : .png)
            options += [("format", opaque ? "jpeg" : "png"), ("channels", channels.rawValue)]
        default:
            packaging = .image(OutputFormat(rawValue: format)!)
            options += [("format", format), ("channels", channels.rawValue)]
        }
        // A JPEG has no alpha: remove.bg paints it white unless told otherwise.
        let fill = background ?? (packaging == .image(.jpeg) && channels == .rgba ? "#ffffff" : "transparent")
        options.append(("background", fill))
        // Each maps onto one declared option and is checked by it.
        let mapped: [(parameter: String, option: String)] = [
            ("crop_margin", "crop-margin"), ("scale", "subject-scale"), ("position", "subject-position"), ("roi", "region"),
        ]
        for (parameter, option) in mapped {
            guard let value = text(parameter) else { continue }
            try ProcessOptions.catalog.check(value, option: option, field: parameter, over: ProcessOptions())
            options.append((option, value))
        }
        // Scaling the subject centres it, unless a position says otherwise.
        if text("scale").map({ $0.lowercased() != "original" }) == true, text("position") == nil {
            options.append(("subject-position", "center"))
        }
        resolved = try ProcessOptions.resolve(options)
        self.options = options.map { JobPayload.Pair(name: $0.name, value: $0.value) }
        source = try makeSource()
        backgroundSource = try makeBackground?()
    }

    /// bg_image_file or bg_image_url, at most one; nil when neither is given.
    private static func background(_ form: RequestFields, limits: DecodeLimits) throws -> (() throws -> ProductPhotoForm.Source)? {
        let file = form.first("bg_image_file").flatMap { $0.data.isEmpty ? nil : $0 }
        let url = form.text("bg_image_url").flatMap { $0.isEmpty ? nil : $0 }
        switch (file, url) {
        case (nil, nil): return nil
        case (let file?, nil): return { .upload(try InputPhoto(file.data, limits: limits, field: "bg_image_file")) }
        case (nil, let url?): return { .url(url) }
        case (.some, .some): throw LightboxError(.invalidOption, "Send bg_image_file or bg_image_url, not both")
        }
    }

    /// Exactly one of image_file, image_file_b64 and image_url; the photo is checked last.
    private static func source(_ form: RequestFields, limits: DecodeLimits) throws -> () throws -> ProductPhotoForm.Source {
        let given = ["image_file", "image_file_b64", "image_url"].filter { form.first($0).map { !$0.data.isEmpty } ?? false }
        guard given.count == 1 else {
            throw given.isEmpty
                ? LightboxError(.missingField, "No image given: send image_file, image_file_b64 or image_url")
                : LightboxError(.invalidOption, "Send only one of image_file, image_file_b64 and image_url, not "
                                + given.joined(separator: " and "))
        }
        let field = form.first(given[0])!
        switch given[0] {
        case "image_url": return { .url(field.text) }
        case "image_file_b64":
            guard let data = Data(base64Encoded: field.text, options: .ignoreUnknownCharacters), !data.isEmpty else {
                throw LightboxError.invalidOption("image_file_b64", expected: "base64 image data",
                                                  received: String(field.text.prefix(20)) + "…")
            }
            return { .upload(try InputPhoto(data, limits: limits)) }
        default: return { .upload(try InputPhoto(field.data, limits: limits)) }
        }
    }

    /// remove.bg's bg_color: hex (3, 6 or 8 digits, `#` optional) or a colour name. An alpha
    /// of 00 is transparent and ff opaque; between those is refused (our backgrounds are opaque).
    static func colour(_ text: String) throws -> String {
        let lowered = text.lowercased()
        if let named = names[lowered] { return named }
        var digits = lowered.hasPrefix("#") ? String(lowered.dropFirst()) : lowered
        if digits.count == 8 {
            switch digits.suffix(2) {
            case "00": return "transparent"
            case "ff": digits = String(digits.prefix(6))
            default:
                throw LightboxError(.invalidOption, "bg_color '\(text)' is partly transparent; give an alpha of 00 or ff, "
                                    + "or 6 hex digits")
            }
        }
        guard RGBColour(hex: "#" + digits) != nil else {
            throw LightboxError.invalidOption("bg_color", expected: "a hex colour (81d4fa, #fff, 81d4faff) or a colour name",
                                              received: text)
        }
        return "#" + digits
    }

    static let names = [
        "white": "#ffffff", "black": "#000000", "red": "#ff0000", "green": "#008000", "blue": "#0000ff",
        "yellow": "#ffff00", "orange": "#ffa500", "purple": "#800080", "pink": "#ffc0cb", "brown": "#a52a2a",
        "gray": "#808080", "grey": "#808080", "silver": "#c0c0c0", "navy": "#000080", "teal": "#008080",
        "cyan": "#00ffff", "magenta": "#ff00ff", "lime": "#00ff00", "maroon": "#800000", "olive": "#808000",
        "beige": "#f5f5dc", "transparent": "transparent",
    ]
}
