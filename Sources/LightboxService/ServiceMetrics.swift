import Foundation
import LightboxCore
import LightboxIO
import LightboxJobs
import Prometheus

/// What `GET /metrics` reports, in the Prometheus text format: the queue by state, each
/// stage's duration, failures by code, webhook calls by result, and the scene generator's
/// calls and spending.
public final class ServiceMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    static let buckets: [Duration] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10].map {
        .milliseconds(Int64($0 * 1000))
    }

    public init() {}

    /// One finished job: its stages' timings, and its error code if it failed.
    func record(timings: [StepTiming], failure: LightboxError?) {
        for timing in timings {
            registry.makeDurationHistogram(
                descriptor: .init(namespace: "lightbox", metricName: "stage_duration", unitName: "seconds",
                                  helpText: "Time per pipeline stage"),
                labels: [("stage", timing.step)], buckets: Self.buckets
            ).record(.nanoseconds(Int64(timing.milliseconds * 1e6)))
        }
        if let failure {
            registry.makeCounter(descriptor: .init(namespace: "lightbox", metricName: "job_failures", unitName: "total",
                                                   helpText: "Failed attempts by error code"),
                                 labels: [("code", failure.code.rawValue)]).increment()
        } else {
            registry.makeCounter(descriptor: .init(namespace: "lightbox", metricName: "jobs_completed", unitName: "total",
                                                   helpText: "Completed jobs")).increment()
        }
    }

    /// One remove.bg request answered, by how its job ended.
    func recordSynchronous(result: String) {
        registry.makeCounter(descriptor: .init(namespace: "lightbox", metricName: "removebg_requests", unitName: "total",
                                               helpText: "POST /v1.0/removebg requests answered, by result: completed, failed, not_taken, timed_out"),
                             labels: [("result", result)]).increment()
    }

    func recordWebhook(result: String) {
        registry.makeCounter(descriptor: .init(namespace: "lightbox", metricName: "webhook_deliveries", unitName: "total",
                                               helpText: "Webhook calls by result: delivered, retrying, gave_up"),
                             labels: [("result", result)]).increment()
    }

    func render(queue: [Job.State: Int], generator: GenerativeScenes.Counters?) -> String {
        for (state, count) in queue {
            registry.makeGauge(descriptor: .init(namespace: "lightbox", metricName: "queue_jobs", unitName: "",
                                                 helpText: "Jobs in the queue by state"),
                               labels: [("state", state.rawValue)]).set(to: Double(count))
        }
        if let generator {
            let values: [(String, Double, String)] = [
                ("generator_calls", Double(generator.calls), "Calls to the generative backend since start"),
                ("generator_images", Double(generator.generated), "Scenes generated since start"),
                ("generator_cache_hits", Double(generator.cacheHits), "Scenes served from the cache since start"),
                ("generator_cost_dollars", generator.dollars, "Money spent on generation since start, in US dollars"),
            ]
            for (name, value, help) in values {
                registry.makeGauge(descriptor: .init(namespace: "lightbox", metricName: name, unitName: "", helpText: help)).set(to: value)
            }
        }
        return registry.emitToString()
    }
}
