import Foundation
@testable import LightboxBatch
import Testing

@Suite struct SelectionTests {
    let day: TimeInterval = 86_400
    var items: [CatalogItem] {
        let base = Date(timeIntervalSince1970: 1_800_000_000)
        return [
            CatalogItem(sku: "MB-01", image: .remote("a"), categories: ["Gear/Bags"], updatedAt: base, position: 0),
            CatalogItem(sku: "MB-01", image: .remote("b"), categories: ["Gear/Bags"], updatedAt: base, position: 1),
            CatalogItem(sku: "WS-02", image: .remote("c"), categories: ["Women/Tops"], updatedAt: base + 10 * day, position: 2),
            CatalogItem(sku: "MB-03", image: .remote("d"), categories: ["Gear/Bags", "Sale"], updatedAt: base + 20 * day, position: 3),
            CatalogItem(sku: "UX-04", image: .remote("e"), position: 4),
        ]
    }

    func taken(_ selection: Selection) -> [String] {
        selection.decide(items).filter { $0.exclusion == nil }.map { "\($0.item.sku)/\($0.item.image.description)" }
    }

    @Test func sinceKeepsItemsUpdatedOnOrAfterTheDateAndThoseWithoutADate() {
        let since = Date(timeIntervalSince1970: 1_800_000_000) + 5 * day
        #expect(taken(Selection(since: since)) == ["WS-02/c", "MB-03/d", "UX-04/e"])
        let decisions = Selection(since: since).decide(items)
        #expect(decisions[0].exclusion == .notUpdatedSince)
    }

    @Test func limitCountsSKUsNotImages() {
        #expect(taken(Selection(limit: 2)) == ["MB-01/a", "MB-01/b", "WS-02/c"])
        #expect(Selection(limit: 2).decide(items).last?.exclusion == .overLimit)
    }

    @Test func skuPatternIsAShellGlob() {
        #expect(taken(Selection(skuPattern: "MB-*")) == ["MB-01/a", "MB-01/b", "MB-03/d"])
        #expect(taken(Selection(skuPattern: "??-0[24]")) == ["WS-02/c", "UX-04/e"])
    }

    @Test func categoryMatchesAPathOrAnyOfItsParts() {
        #expect(taken(Selection(category: "bags")) == ["MB-01/a", "MB-01/b", "MB-03/d"])
        #expect(taken(Selection(category: "Women/Tops")) == ["WS-02/c"])
        #expect(taken(Selection(category: "Sale")) == ["MB-03/d"])
    }

    @Test func filtersCombineAndTheLimitComesLast() {
        #expect(taken(Selection(limit: 1, category: "Bags")) == ["MB-01/a", "MB-01/b"])
        let since = Date(timeIntervalSince1970: 1_800_000_000) + 5 * day
        #expect(taken(Selection(since: since, limit: 1, skuPattern: "MB-*")) == ["MB-03/d"])
    }
}
