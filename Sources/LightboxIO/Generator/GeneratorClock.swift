import Foundation
import LightboxCore

/// Time as the generator sees it: the day its budget counts, and the waits between
/// attempts. Tests inject one that records the waits instead of sleeping.
public protocol GeneratorClock: Sendable {
    var now: Date { get }
    func sleep(for duration: Duration)
}

public struct SystemGeneratorClock: GeneratorClock {
    public init() {}
    public var now: Date { Date() }
    public func sleep(for duration: Duration) { Thread.sleep(forTimeInterval: duration.seconds) }
}
