import Foundation

/// Runs networks that `StaticGraph` can lower on XNNPACK: one session per concurrent
/// caller (up to a cap), each on the caller's thread, all sharing the network's weights.
/// Sessions are created on first need and reused.
public final class XNNPACKBackend: SegmentationBackend, @unchecked Sendable {
    // Sessions are handed out under the lock; each is used by one thread at a time.
    public let name = "xnnpack"
    private let plan: XNNPACKPlan
    private let threads: Int
    private var idle: [XNNPACKSession] = []

    /// Floats each session's arena holds, for reports.
    public var arenaBytes: Int { plan.arenaSize * MemoryLayout<Float>.size }

    /// Throws `ONNXError.unsupported` when the model uses something this path cannot map,
    /// and `ONNXError.malformed` when the file cannot be read.
    /// `sessions` caps how many inferences run at once (and so the memory they take);
    /// further callers wait for a free session.
    public init(onnx: Data, model: SegmentationModel, threads: Int, sessions: Int = .max) throws {
        let parsed = try ONNXModel(parsing: onnx)
        let graph = try StaticGraph(model: parsed, inputSize: model.inputSize, outputIndex: model.outputIndex)
        plan = try XNNPACKPlan(graph: graph)
        self.threads = threads
        maxSessions = max(1, sessions)
        // Build one session now, so that failures surface at load time.
        idle.append(try XNNPACKSession(plan: plan, threads: threads))
    }

    public func predict(_ input: ModelTensor, outputIndex: Int) throws -> ModelTensor {
        let shape = plan.views[plan.input].shape
        guard input.channels == shape[3], input.size == PixelSize(width: shape[2], height: shape[1]) else {
            throw LightboxError(.modelFailed, "The input is \(input.channels)x\(input.size), the network expects \(shape)")
        }
        let session = try checkOut()
        defer { checkIn(session) }
        let plane = input.size.pixelCount, channels = input.channels
        let output = try session.run { nhwc in
            // NCHW → NHWC.
            for channel in 0..<channels {
                for pixel in 0..<plane { nhwc[pixel * channels + channel] = input.values[channel * plane + pixel] }
            }
        }
        let outputShape = plan.views[plan.output].shape
        return ModelTensor(values: output, channels: 1, size: PixelSize(width: outputShape[2], height: outputShape[1]))
    }

    private let condition = NSCondition()
    private var created = 1
    private let maxSessions: Int

    private func checkOut() throws -> XNNPACKSession {
        condition.lock()
        defer { condition.unlock() }
        while idle.isEmpty && created >= maxSessions { condition.wait() }
        if let session = idle.popLast() { return session }
        created += 1
        return try XNNPACKSession(plan: plan, threads: threads)
    }

    private func checkIn(_ session: XNNPACKSession) {
        condition.withLock {
            idle.append(session)
            condition.signal()
        }
    }
}
