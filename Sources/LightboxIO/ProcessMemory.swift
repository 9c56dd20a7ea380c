/// glibc's allocator settings for a process that handles one large image after another.
public enum ProcessMemory {
    /// By default glibc raises its mmap threshold each time a large block is freed, up to
    /// 32 MB, after which image-sized buffers come from per-thread heaps that keep their
    /// pages: peak RSS over a 40-image run grew by about 200 MB. A fixed threshold sends
    /// every buffer above 1 MB back to the kernel when freed.
    public static func returnLargeBuffersToTheSystem() {
        #if os(Linux)
        _ = glibcMallopt(mmapThresholdParameter, 1 << 20)
        #endif
    }
}

#if os(Linux)
// <malloc.h> is not part of Swift's Glibc module.
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
private let mmapThresholdParameter: Int32 = -3  // M_MMAP_THRESHOLD
#endif
