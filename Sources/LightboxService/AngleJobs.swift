import Foundation
import LightboxCore
import LightboxIO
import LightboxJobs

/// A product's missing angles: once its shot is done, one job per angle asks the edit model
/// for another view of the shot, renders the answer like the shot (our cutout, framing,
/// background and shadow) with the XMP label that says it was generated, and holds it in
/// `pending/` for a person. Nothing is published before approval.
extension JobRunner {
    var angleGenerator: GenerativeScenes? { renderer.services.generator as? GenerativeScenes }

    /// Queues the shot's missing angles, or says why there are none. Only a photo never given
    /// angles before gets them, unless the request says `redraw_angles`.
    func queueAngles(for job: Job, _ payload: JobPayload, asked: AngleOptions, outcome: PipelineOutcome,
                     shot: Renderer.Written?) -> JobReport.AnglesBody {
        if let overlay = outcome.textOverlay {
            return .init(declined: "the photo carries \(overlay.summary); a photo that may carry a third-party "
                         + "watermark is not sent to a generator")
        }
        guard angleGenerator != nil else { return .init(declined: "no generator is configured (--generator-url)") }
        guard let shot else { return .init(declined: "the shot has no output to draw from") }
        let marker = BlobKeys.angles(BlobKeys.digest(ofInput: payload.input))
        do {
            if !asked.redraw, let earlier = try blocking({ [blobs] in try await blobs.get(marker) }),
               let ids = try? JSONDecoder().decode([String].self, from: earlier), !ids.isEmpty {
                return .init(declined: "angles were drawn for this photo before (\(ids.joined(separator: ", "))); "
                             + "a re-render draws none (redraw_angles=true draws them again)")
            }
            var body = JobReport.AnglesBody()
            for angle in AnglePrompts.angles(for: asked.category, count: asked.missing) {
                let work = JobPayload(input: payload.input, options: payload.options, backgroundImage: payload.backgroundImage,
                                      angle: AngleJob(view: angle.view, prompt: angle.prompt, shot: shot.location, of: job.id))
                let next = NewJob(account: job.account, payload: try JSONEncoder().encode(work), priority: JobPriority.batch,
                                  cost: job.cost, webhookURL: job.webhookURL)
                do {
                    body.queued.append(try blocking { [store, clock] in try await store.enqueue(next, now: clock.now()) }.job.id)
                } catch let error as LightboxError where error.code == .insufficientCredits {
                    body.declined = "\(asked.missing - body.queued.count) angle(s) not queued: \(error.message)"
                    break
                }
            }
            try blocking { [blobs, queued = body.queued] in
                try await blobs.put(try JSONEncoder().encode(queued), at: marker, contentType: "application/json")
            }
            return body
        } catch {
            return .init(declined: "the angles could not be queued: \(Renderer.failure(error, as: .internal).message)")
        }
    }

    /// One missing angle, drawn and rendered; it always waits for a person (`generated_angle`).
    func drawAngle(_ angle: AngleJob, options: ProcessOptions) -> (Result<Data, LightboxError>, review: String?) {
        do {
            guard let generator = angleGenerator else {
                throw LightboxError(.generatorUnavailable, "No generator is configured (--generator-url) to draw the \(angle.view) angle")
            }
            guard let shot = try blocking({ [blobs] in try await blobs.get(BlobKeys.output(angle.shot)) }) else {
                throw LightboxError(.inputUnreadable, "The shot \(angle.shot) of \(angle.of) is no longer stored")
            }
            let drawn = try generator.angle(of: shot, prompt: angle.prompt, canvas: options.canvas)
            var options = options
            options.generatedBy = generator.editModel
            options.textOverlay = .ignore
            let rendering = renderer.render(read: { drawn.image }, options: options, write: { $0.fileName })
            if let outcome = rendering.outcome { metrics.record(timings: outcome.timings, failure: rendering.error) }
            if let error = rendering.error { return (.failure(error), nil) }
            let outcome = rendering.outcome!
            let written = try Renderer.write(outcome.outputs) { image in
                try blocking { [blobs] in
                    try await blobs.put(image.data, at: BlobKeys.pending(image.fileName), contentType: image.format.mediaType)
                }
                return image.fileName
            }
            let report = JobReport(
                outputs: written.map(JobReport.Output.init),
                timingsMs: outcome.timingsInMilliseconds, qa: outcome.qa,
                notes: outcome.notes + ["the \(angle.view) angle of \(angle.of)'s shot, drawn by \(generator.editModel)"
                                        + (drawn.fromCache ? " (from the cache)" : "") + "; published once approved"],
                backend: outcome.backend, foreground: outcome.productFrame, generated: true,
                angle: .init(view: angle.view, of: angle.of, model: generator.editModel))
            return (.success(try JSONEncoder().encode(report)), "generated_angle")
        } catch {
            return (.failure(Renderer.failure(error, as: .internal)), nil)
        }
    }
}

extension JobReport.Output {
    init(_ written: Renderer.Written) {
        self.init(format: written.image.format.rawValue, file: written.location, bytes: written.image.data.count,
                  width: written.image.size.width, height: written.image.size.height)
    }
}

extension PipelineOutcome {
    /// Each step's time, to a tenth of a millisecond.
    var timingsInMilliseconds: [String: Double] {
        Dictionary(timings.map { ($0.step, ($0.milliseconds * 10).rounded() / 10) }, uniquingKeysWith: +)
    }
}
