import Foundation
import LightboxTestSupport
import Testing

@testable import LightboxIO

@Suite struct SceneCacheTests {
    /// Past the cap the least recently used scene goes: a read counts as a use, the usage file stays.
    @Test func writesPastTheCapRemoveTheLeastRecentlyUsedScenes() throws {
        let folder = try Fixtures.scratchFolder("scene-cache-cap")
        let cache = SceneCache(folder: folder, maxBytes: 2_500)
        try Data("{}".utf8).write(to: folder.appendingPathComponent("usage.json"))
        let scene = Data(repeating: 7, count: 1_000)
        cache.write(scene, for: "first")
        cache.write(scene, for: "second")
        try backdate(folder, ["first": 20, "second": 10])
        #expect(cache.read("first") == scene)
        cache.write(scene, for: "third")
        #expect(cache.read("second") == nil, "the least recently used is removed")
        #expect(cache.read("first") == scene && cache.read("third") == scene)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("usage.json").path))

        // One scene larger than the cap is still kept: it is the one just asked for.
        let large = Data(repeating: 1, count: 4_000)
        cache.write(large, for: "large")
        #expect(cache.read("large") == large)
        #expect(cache.read("first") == nil && cache.read("third") == nil)
    }

    private func backdate(_ folder: URL, _ ages: [String: TimeInterval]) throws {
        for (key, age) in ages {
            try FileManager.default.setAttributes([.modificationDate: Date() - age],
                                                  ofItemAtPath: folder.appendingPathComponent("\(key).scene").path)
        }
    }
}
