import Crypto
import Foundation
import Synchronization

/// The model's masks for the last few photos, by the photo's bytes and working size, so that
/// a person's fix previews without segmenting again (a click re-renders from the cached mask).
/// Exact keys keep renders identical with or without it.
public final class MaskCache: Sendable {
    private struct Store {
        var masks: [String: SegmentationMask] = [:]
        var order: [String] = []
    }

    private let store = Mutex(Store())
    public let capacity: Int

    public init(capacity: Int = 16) {
        self.capacity = capacity
    }

    static func key(input: Data, size: PixelSize) -> String {
        SHA256.hash(data: input).hex + "@\(size)"
    }

    func mask(for key: String) -> SegmentationMask? {
        store.withLock { store in
            guard let mask = store.masks[key] else { return nil }
            store.order.removeAll { $0 == key }
            store.order.append(key)
            return mask
        }
    }

    func keep(_ mask: SegmentationMask, for key: String) {
        store.withLock { store in
            if store.masks.updateValue(mask, forKey: key) == nil { store.order.append(key) }
            while store.order.count > capacity { store.masks[store.order.removeFirst()] = nil }
        }
    }

    public var count: Int { store.withLock { $0.masks.count } }
}
