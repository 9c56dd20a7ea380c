import Foundation
import LightboxService
import Synchronization

/// A clock the test moves by hand.
final class TestClock: Sendable {
    private let time: Mutex<Date>

    init(_ start: Date) {
        time = Mutex(start)
    }

    var clock: ServiceClock { ServiceClock { [self] in time.withLock { $0 } } }

    func advance(by seconds: TimeInterval) {
        time.withLock { $0 += seconds }
    }
}
