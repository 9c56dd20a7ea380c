import CXNNPACK
import Foundation

/// One inference session: its own arena and XNNPACK operators, set up once against fixed
/// pointers, run on the calling thread (or on a pool of `threads` when asked).
final class XNNPACKSession {
    private let plan: XNNPACKPlan
    private let arena: UnsafeMutableBufferPointer<Float>
    /// Operators kept for the session's life; nil for those built for each run (see `isTransient`).
    private var operators: [xnn_operator_t?] = []
    private let pool: pthreadpool_t?

    private static let initialised: Bool = {
        // XNNPACK keeps this pointer for the life of the process.
        let allocator = UnsafeMutablePointer<xnn_allocator>.allocate(capacity: 1)
        allocator.initialize(to: XNNPACKMemory.allocator)
        return xnn_initialize(allocator) == xnn_status_success
    }()

    init(plan: XNNPACKPlan, threads: Int) throws {
        guard Self.initialised else { throw ONNXError.unsupported("XNNPACK does not support this CPU") }
        self.plan = plan
        arena = .allocate(capacity: plan.arenaSize)
        arena.initialize(repeating: 0)
        pool = threads > 1 ? pthreadpool_create(threads) : nil
        do {
            for step in plan.steps {
                operators.append(isTransient(step) ? nil : try makeOperator(step))
            }
        } catch {
            release()
            throw error
        }
    }

    deinit { release() }

    private func release() {
        for op in operators.compactMap({ $0 }) { xnn_delete_operator(op) }
        operators = []
        if let pool { pthreadpool_destroy(pool) }
        arena.deallocate()
    }

    /// Fills the input through `fill`, runs every operator, and returns the output (NHWC).
    func run(_ fill: (UnsafeMutableBufferPointer<Float>) -> Void) throws -> [Float] {
        let input = plan.views[plan.input], output = plan.views[plan.output]
        precondition(input.isDense && output.isDense)
        fill(UnsafeMutableBufferPointer(start: pointer(plan.input), count: input.pixels * input.channels))
        for (index, kept) in operators.enumerated() {
            let op = try kept ?? makeOperator(plan.steps[index])
            defer { if kept == nil { xnn_delete_operator(op) } }
            let status = xnn_run_operator(op, pool)
            guard status == xnn_status_success else {
                throw LightboxError(.modelFailed, "XNNPACK inference failed (status \(status.rawValue))")
            }
        }
        return Array(UnsafeBufferPointer(start: pointer(plan.output), count: output.pixels * output.channels))
    }

    /// Convolution, pooling and resize keep an indirection buffer: pointers per output pixel
    /// (7 MB for a 3×3 convolution at 320², 4 MB for a resize to 320²). Kept for every layer
    /// they cost a session over 100 MB beside its 87 MB of activations, so operators whose
    /// buffer exceeds `transientAbove` are rebuilt on each run instead, from buffers
    /// `XNNPACKMemory` recycles. Keeping the small ones costs 6 MB a session and saves most
    /// of the fixed cost of rebuilding: about 3% of an inference is left.
    func isTransient(_ step: XNNPACKPlan.Step) -> Bool {
        let pointers = switch step {
        case .convolution(let c, _, let output):
            c.window.kernelArea > 1 ? plan.views[output].pixels * c.window.kernelArea : 0
        case .maxPool(let p, _, let output): plan.views[output].pixels * p.window.kernelArea
        // Four source pointers and two weights per output pixel.
        case .resizeBilinear(_, _, let output): plan.views[output].pixels * 6
        case .add, .sigmoid, .clamp: 0
        }
        return pointers * MemoryLayout<UnsafeRawPointer>.stride > Self.transientAbove
    }

    static let transientAbove = 256 << 10

    private func pointer(_ view: Int) -> UnsafeMutablePointer<Float> {
        arena.baseAddress! + plan.buffers[plan.views[view].buffer].offset + plan.views[view].channelOffset
    }

    private func makeOperator(_ step: XNNPACKPlan.Step) throws -> xnn_operator_t {
        var op: xnn_operator_t?
        let created: xnn_status, setUp: () -> xnn_status
        switch step {
        case .convolution(let c, let input, let output):
            let shape = plan.views[input].shape, w = c.window
            let (inputStride, outputStride) = (plan.views[input].pixelStride, plan.views[output].pixelStride)
            created = c.weights.withUnsafeBufferPointer { weights in
                c.bias.withUnsafeBufferPointer { bias in
                    xnn_create_convolution2d_nhwc_f32(
                        UInt32(w.padding.top), UInt32(w.padding.right), UInt32(w.padding.bottom), UInt32(w.padding.left),
                        UInt32(w.kernel.height), UInt32(w.kernel.width), UInt32(w.strides.height), UInt32(w.strides.width),
                        UInt32(w.dilations.height), UInt32(w.dilations.width), UInt32(c.groups), c.groupInputChannels,
                        c.groupOutputChannels, inputStride, outputStride,
                        weights.baseAddress, bias.baseAddress, c.lowest, .infinity, 0, &op)
                }
            }
            setUp = { xnn_setup_convolution2d_nhwc_f32(op, shape[0], shape[1], shape[2], self.pointer(input),
                                                       self.pointer(output), self.pool) }
        case .maxPool(let p, let input, let output):
            let shape = plan.views[input].shape, channels = shape[3], w = p.window
            created = xnn_create_max_pooling2d_nhwc_f32(
                UInt32(w.padding.top), UInt32(w.padding.right), UInt32(w.padding.bottom), UInt32(w.padding.left),
                UInt32(w.kernel.height), UInt32(w.kernel.width), UInt32(w.strides.height), UInt32(w.strides.width),
                UInt32(w.dilations.height), UInt32(w.dilations.width), channels, plan.views[input].pixelStride, plan.views[output].pixelStride, -.infinity, .infinity, 0, &op)
            setUp = { xnn_setup_max_pooling2d_nhwc_f32(op, shape[0], shape[1], shape[2], self.pointer(input),
                                                       self.pointer(output), self.pool) }
        case .resizeBilinear(let alignment, let input, let output):
            let from = plan.views[input].shape, to = plan.views[output].shape, channels = from[3]
            let flags: UInt32 = switch alignment {
            case .halfPixel: 0
            case .alignCorners: UInt32(XNN_FLAG_ALIGN_CORNERS)
            case .asymmetric: UInt32(XNN_FLAG_TENSORFLOW_LEGACY_MODE)
            }
            created = xnn_create_resize_bilinear2d_nhwc_f32(channels, plan.views[input].pixelStride,
                                                            plan.views[output].pixelStride, flags, &op)
            setUp = { xnn_setup_resize_bilinear2d_nhwc_f32(op, from[0], from[1], from[2], to[1], to[2],
                                                           self.pointer(input), self.pointer(output), self.pool) }
        case .add(let a, let b, let output, let lowest):
            // Addition takes no strides: the plan keeps its tensors dense.
            let shapeA = plan.views[a].shape, shapeB = plan.views[b].shape
            created = xnn_create_add_nd_f32(lowest, .infinity, 0, &op)
            setUp = { xnn_setup_add_nd_f32(op, shapeA.count, shapeA, shapeB.count, shapeB, self.pointer(a), self.pointer(b),
                                           self.pointer(output), self.pool) }
        case .sigmoid(let input, let output):
            let (from, to) = (plan.views[input], plan.views[output])
            created = xnn_create_sigmoid_nc_f32(from.channels, from.pixelStride, to.pixelStride, 0, &op)
            setUp = { xnn_setup_sigmoid_nc_f32(op, from.pixels, self.pointer(input), self.pointer(output), self.pool) }
        case .clamp(let input, let output, let lowest):
            let (from, to) = (plan.views[input], plan.views[output])
            created = xnn_create_clamp_nc_f32(from.channels, from.pixelStride, to.pixelStride, lowest, .infinity, 0, &op)
            setUp = { xnn_setup_clamp_nc_f32(op, from.pixels, self.pointer(input), self.pointer(output), self.pool) }
        }
        guard created == xnn_status_success, let op else {
            throw ONNXError.unsupported("XNNPACK could not create an operator (status \(created.rawValue))")
        }
        let status = setUp()
        guard status == xnn_status_success else {
            xnn_delete_operator(op)
            throw ONNXError.unsupported("XNNPACK could not set up an operator (status \(status.rawValue))")
        }
        return op
    }
}
