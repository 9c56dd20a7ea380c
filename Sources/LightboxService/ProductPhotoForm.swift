import Crypto
import Foundation
import LightboxCore
import NIOCore
import NIOFoundationCompat

/// The PixelAPI-style endpoints' request (product-photo, remove-background,
/// replace-background, preset-sheet), as multipart, form-encoded or JSON fields: the photo and the
/// endpoint's fields, validated into pipeline options at the boundary.
struct ProductPhotoForm {
    /// What one endpoint takes: its fields (API field → pipeline option, each validated by
    /// the option's own declaration), the options it sets itself, and the steps it names.
    struct Endpoint: Sendable {
        let fields: [(field: String, option: String)]
        let fixed: [JobPayload.Pair]
        /// A field the endpoint cannot do without.
        let required: String?
        let pipeline: [String]
        /// The job draws the preset × shadow sheet of the photo instead of one shot.
        var sheet = false
        /// The shot may ask for its missing angles (`fill_angles`, `gallery_images`, `category`, `redraw_angles`).
        var takesAngles = false

        static let productPhotoFields: [(field: String, option: String)] = [
            ("preset", "background"), ("background_color", "background"), ("background_prompt", "background-prompt"),
            ("shadow_type", "shadow"),
            ("output_format", "format"), ("size", "size"), ("margin", "margin"), ("watermark", "watermark"),
            ("seed", "seed"), ("straighten", "straighten"), ("second_look", "second-look"),
        ]
        static let productPhoto = Endpoint(fields: productPhotoFields, fixed: [], required: nil,
                                           pipeline: ["remove-background", "replace-background", "add-shadow"],
                                           takesAngles: true)
        /// A transparent PNG cutout in the photo's own frame.
        static let removeBackground = Endpoint(
            fields: [("output_format", "format"), ("second_look", "second-look")],
            fixed: [.init(name: "background", value: "transparent"), .init(name: "shadow", value: "none"),
                    .init(name: "frame", value: "photo"), .init(name: "format", value: "png")],
            required: nil, pipeline: ["remove-background"])
        /// The photo over every preset × shadow type, one PNG to choose a look from; `size` is a tile's.
        static let presetSheet = Endpoint(fields: [("size", "size"), ("seed", "seed")],
                                          fixed: [.init(name: "size", value: "320x320"), .init(name: "format", value: "png")],
                                          required: nil, pipeline: ["preset-sheet"], sheet: true)
        /// The product on the scene that `prompt` describes, by the rules of `background_prompt`.
        static let replaceBackground = Endpoint(fields: [("prompt", "background-prompt")] + productPhotoFields,
                                                fixed: [], required: "prompt",
                                                pipeline: ["remove-background", "replace-background", "add-shadow"],
                                                takesAngles: true)
    }

    /// The photo: uploaded (and checked), or at a URL to fetch.
    enum Source {
        case upload(InputPhoto)
        case url(String)
    }

    let source: Source
    let webhookURL: String?
    let options: [JobPayload.Pair]
    /// The options as the pipeline will read them, for the request's fingerprint.
    let resolved: ProcessOptions
    let priority: Int
    /// The missing angles asked for, when any are.
    let angles: AngleOptions?

    /// An angle option by its API field name (`fill_angles` for `fill-angles`).
    static func angleOption(_ field: String) -> String? {
        let option = field.replacingOccurrences(of: "_", with: "-")
        return AngleOptions.catalog.binding(named: option) != nil ? option : nil
    }

    init(fields form: RequestFields, endpoint: Endpoint = .productPhoto, limits: DecodeLimits) throws {
        let text = { (name: String) in form.text(name) }
        // Built last, so that a bad field is named before a bad photo.
        let makeSource: () throws -> Source
        switch (form.first("image"), text("image_url")) {
        case (let file?, nil): makeSource = { .upload(try InputPhoto(file.data, limits: limits)) }
        case (nil, let url?): makeSource = { .url(url) }
        case (.some, .some): throw LightboxError(.invalidOption, "Send either image or image_url, not both")
        case (nil, nil):
            throw LightboxError(.missingField, "The image field is missing: upload the photo as a file named image, "
                                + "or give image_url")
        }
        if let required = endpoint.required, text(required)?.isEmpty ?? true {
            throw LightboxError(.missingField, "The \(required) field is missing")
        }
        webhookURL = text("webhook_url")
        var options = endpoint.fixed
        var angleOptions: [(name: String, value: String)] = []
        var priority = 10
        for field in form.fields where !["image", "image_url", "webhook_url"].contains(field.name) {
            let name = field.name
            let value = field.text
            if name == "priority" {
                guard let level = ["interactive": 10, "batch": 0][value.lowercased()] else {
                    throw LightboxError.invalidOption("priority", expected: "interactive or batch", received: value)
                }
                priority = level
                continue
            }
            if endpoint.takesAngles, let option = Self.angleOption(name) {
                try AngleOptions.catalog.check(value, option: option, field: name, over: AngleOptions())
                angleOptions.append((option, value))
                continue
            }
            guard let option = endpoint.fields.first(where: { $0.field == name })?.option else {
                let angleFields = endpoint.takesAngles ? AngleOptions.catalog.bindings.map { $0.name.replacingOccurrences(of: "-", with: "_") } : []
                throw LightboxError(.invalidOption, "Unknown field '\(name)'; the fields are image, image_url, webhook_url, "
                                    + "priority, " + (endpoint.fields.map(\.field) + angleFields).joined(separator: ", "))
            }
            if let expected = Self.narrowing(name, value) {
                throw LightboxError.invalidOption(name, expected: expected, received: value)
            }
            // Checked one by one so that the error names the field as the client sent it.
            try ProcessOptions.catalog.check(value, option: option, field: name, over: ProcessOptions())
            options.append(JobPayload.Pair(name: option, value: value))
        }
        // Combinations (custom needs a prompt, jpeg needs an opaque background).
        resolved = try ProcessOptions.resolve(options.map { (name: $0.name, value: $0.value) })
        // 32 tiles: a sheet of 1500² tiles would be a 290 MP image.
        if endpoint.sheet, resolved.canvas.longSide > Self.largestSheetTile {
            throw LightboxError.invalidOption("size", expected: "a tile of at most \(Self.largestSheetTile) px a side",
                                              received: text("size") ?? "")
        }
        let angles = try AngleOptions.catalog.resolve(angleOptions, over: AngleOptions())
        self.angles = angles.missing > 0 ? angles : nil
        self.options = options
        self.priority = priority
        source = try makeSource()
    }

    static let largestSheetTile = 640

    /// Both fields set the background option, each with only its own kind of value: preset
    /// names (and custom), or a hex colour. What the field expects when `value` is not that.
    private static func narrowing(_ field: String, _ value: String) -> String? {
        switch field {
        case "preset":
            ScenePreset(rawValue: value.lowercased()) != nil || value.lowercased() == "custom" ? nil : "a preset name or custom"
        case "background_color": RGBColour(hex: value) != nil ? nil : "a colour as #RRGGBB or #RGB"
        default: nil
        }
    }
}

/// A photo checked from its header (empty, size, type, damaged header, pixel count) before
/// anything is queued, and named by its content for the blob store.
struct InputPhoto {
    let data: Data
    let name: String

    /// A photo already checked and named when it first came in (read back from the blobs).
    init(stored data: Data, name: String) {
        self.data = data
        self.name = name
    }

    /// `field` names the photo in errors when it is not the main one.
    init(_ data: Data, limits: DecodeLimits, field: String? = nil) throws {
        do {
            _ = try Decode.probe(data, limits: limits)
        } catch let error as LightboxError where field != nil {
            throw LightboxError(error.code, "\(field!): \(error.message)")
        }
        self.data = data
        name = SHA256.hash(data: data).hex + ".img"
    }
}
