import Foundation

/// One option, declared once: its name, what it accepts, its default and its help.
/// The CLI, the HTTP API and templates all read options through these declarations.
public struct OptionSpec<Value: Sendable>: Sendable {
    public let name: String
    public let expected: String
    public let defaultValue: Value
    public let help: String
    /// A true/false option that may be given bare, as `--name`, to mean true.
    public var isSwitch = false
    let convert: @Sendable (String) -> Value?
    let describe: @Sendable (Value) -> String
    /// A value as fingerprints spell it: `describe`, unless two values read alike there.
    let canonical: @Sendable (Value) -> String

    public init(name: String, expected: String, default defaultValue: Value, help: String,
                describe: @escaping @Sendable (Value) -> String,
                canonical: (@Sendable (Value) -> String)? = nil,
                convert: @escaping @Sendable (String) -> Value?) {
        self.name = name
        self.expected = expected
        self.defaultValue = defaultValue
        self.help = help
        self.describe = describe
        self.canonical = canonical ?? describe
        self.convert = convert
    }

    public func parse(_ raw: String) throws -> Value {
        guard let value = convert(raw.trimmingCharacters(in: .whitespaces)) else {
            throw LightboxError.invalidOption(name, expected: expected, received: raw)
        }
        return value
    }

    public var defaultText: String { describe(defaultValue) }
}

extension OptionSpec where Value == Int {
    public static func integer(_ name: String, _ range: ClosedRange<Int>, default value: Int, help: String) -> Self {
        Self(name: name, expected: "integer between \(range.lowerBound) and \(range.upperBound)", default: value,
             help: help, describe: { String($0) }) { raw in
            Int(raw).flatMap { range.contains($0) ? $0 : nil }
        }
    }
}

extension OptionSpec where Value == Double {
    public static func number(_ name: String, _ range: ClosedRange<Double>, default value: Double, help: String) -> Self {
        Self(name: name, expected: "number between \(format(range.lowerBound)) and \(format(range.upperBound))",
             default: value, help: help, describe: format) { raw in
            Double(raw).flatMap { $0.isFinite && range.contains($0) ? $0 : nil }
        }
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}

extension OptionSpec where Value == Bool {
    public static func flag(_ name: String, default value: Bool, help: String) -> Self {
        var spec = Self(name: name, expected: "true or false", default: value, help: help, describe: { String($0) }) { raw in
            switch raw.lowercased() {
            case "true", "1", "yes", "on": true
            case "false", "0", "no", "off": false
            default: nil
            }
        }
        spec.isSwitch = true
        return spec
    }
}

extension OptionSpec where Value: RawRepresentable & CaseIterable, Value.RawValue == String {
    public static func choice(_ name: String, default value: Value, help: String) -> Self {
        let names = Value.allCases.map(\.rawValue)
        return Self(name: name, expected: "one of \(names.joined(separator: ", "))", default: value, help: help,
                    describe: { $0.rawValue }) { raw in Value(rawValue: raw.lowercased()) }
    }
}

extension OptionSpec {
    /// One of a closed set, or unset by default (`unset` says what that means). An unknown
    /// name fails; it must not read as "unset".
    public static func optionalChoice<Choice>(_ name: String, unset: String, help: String) -> Self
    where Value == Choice?, Choice: RawRepresentable & CaseIterable & Sendable, Choice.RawValue == String {
        let names = Choice.allCases.map(\.rawValue)
        return Self(name: name, expected: "one of \(names.joined(separator: ", "))", default: nil, help: help,
                    describe: { $0?.rawValue ?? unset }) { raw in Choice(rawValue: raw.lowercased()).map { .some($0) } }
    }
}

extension OptionSpec where Value == String? {
    public static func text(_ name: String, maxLength: Int, help: String) -> Self {
        Self(name: name, expected: "text of 1 to \(maxLength) characters", default: nil, help: help,
             describe: { $0 ?? "none" }) { raw in
            (1...maxLength).contains(raw.count) ? raw : nil
        }
    }
}

extension OptionSpec where Value == [Double]? {
    /// Three comma-separated numbers, e.g. "0.485,0.456,0.406".
    public static func triple(_ name: String, help: String) -> Self {
        Self(name: name, expected: "three comma-separated numbers", default: nil, help: help,
             describe: { $0.map { $0.map { String($0) }.joined(separator: ",") } ?? "the model's own" }) { raw in
            let values = raw.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            return values.count == 3 && values.allSatisfy(\.isFinite) ? values : nil
        }
    }
}

/// Where an option may be set: per image, or once for the process (model, threads).
public enum OptionScope: Sendable {
    case image, process
}

/// A declared option bound to the field of `Target` it sets.
public struct OptionBinding<Target>: Sendable {
    public let name: String
    public let expected: String
    public let defaultText: String
    public let help: String
    public let scope: OptionScope
    public let isSwitch: Bool
    let apply: @Sendable (inout Target, String) throws -> Void
    let read: @Sendable (Target) -> String

    public init<Value>(_ spec: OptionSpec<Value>, scope: OptionScope = .image,
                       _ field: WritableKeyPath<Target, Value> & Sendable) {
        name = spec.name
        expected = spec.expected
        defaultText = spec.defaultText
        help = spec.help
        self.scope = scope
        isSwitch = spec.isSwitch
        apply = { target, raw in target[keyPath: field] = try spec.parse(raw) }
        read = { target in spec.canonical(target[keyPath: field]) }
    }

    /// The field's current value in `target`, spelled canonically.
    public func canonicalValue(of target: Target) -> String { read(target) }

    public func apply(_ raw: String, to target: inout Target) throws {
        try apply(&target, raw)
    }
}

/// A list of bindings: validates raw name/value pairs into a `Target` at the boundary.
public struct OptionCatalog<Target>: Sendable {
    public let bindings: [OptionBinding<Target>]

    public init(_ bindings: [OptionBinding<Target>]) {
        self.bindings = bindings
    }

    public func binding(named name: String) -> OptionBinding<Target>? {
        bindings.first { $0.name == name }
    }

    /// Applies `values` over `base`. Unknown names are errors, never silently ignored.
    public func resolve(_ values: [(name: String, value: String)], over base: Target,
                        allowing scopes: Set<OptionScope> = [.image, .process]) throws -> Target {
        var target = base
        for (name, value) in values {
            guard let binding = binding(named: name), scopes.contains(binding.scope) else {
                throw LightboxError(.invalidOption, "Unknown option '\(name)'")
            }
            try binding.apply(value, to: &target)
        }
        return target
    }

    /// Checks one value against `option`'s own declaration, over `base`; the error names
    /// `field`, the adapter's name for it (`crop_margin` for `crop-margin`).
    public func check(_ value: String, option: String, field: String, over base: Target) throws {
        guard let binding = binding(named: option) else { throw LightboxError(.invalidOption, "Unknown option '\(option)'") }
        var probe = base
        do {
            try binding.apply(value, to: &probe)
        } catch {
            throw LightboxError.invalidOption(field, expected: binding.expected, received: value)
        }
    }

    /// The values `environment` sets, as `LIGHTBOX_<NAME>` (upper case, `-` as `_`).
    public func values(in environment: [String: String]) -> [(name: String, value: String)] {
        bindings.compactMap { binding in
            environment[Self.environmentName(binding.name)].map { (name: binding.name, value: $0) }
        }
    }

    public static func environmentName(_ option: String) -> String {
        "LIGHTBOX_" + option.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    /// A Markdown table of every option, for the README; `heading` names the first column.
    public func markdownTable(heading: String = "option") -> String {
        let rows = bindings.map { binding in
            "| `--\(binding.name)` | \(binding.expected) | \(binding.defaultText) | \(binding.help)"
                + (binding.scope == .process && heading == "option" ? " (per process)" : "") + " |"
        }
        return (["| \(heading) | accepts | default | what it does |", "|---|---|---|---|"] + rows).joined(separator: "\n")
    }

    /// One line per option, for `--help` and the docs.
    public var helpText: String {
        let width = (bindings.map { $0.name.count }.max() ?? 0) + 4
        return bindings.map { binding in
            let label = "--\(binding.name)".padding(toLength: width, withPad: " ", startingAt: 0)
            return "\(label)\(binding.help) (\(binding.expected); default: \(binding.defaultText))"
        }.joined(separator: "\n")
    }
}

extension OptionScope: Hashable {}
