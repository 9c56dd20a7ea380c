import Foundation
import LightboxBatch

/// A batch's progress: a bar with done/total, rate, ETA and failures on a terminal;
/// otherwise one JSON line per (item, store view) and a summary line, on standard output.
final class BatchProgress {
    let total: Int
    private let started = Date()
    private var done = 0, worked = 0

    static var isTerminal: Bool { isatty(STDOUT_FILENO) != 0 }

    init(total: Int) {
        self.total = total
    }

    func show(_ result: BatchResult, _ summary: BatchSummary) {
        done += 1
        if result.status != .skipped { worked += 1 }
        guard Self.isTerminal else { return print(Self.json(result)) }
        let elapsed = max(0.001, Date().timeIntervalSince(started))
        let rate = Double(worked) / elapsed
        let width = 30, filled = total > 0 ? width * done / total : width
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let eta = rate > 0 ? Self.duration(Double(total - done) / rate) : "?"
        let line = "[\(bar)] \(done)/\(total)  \(String(format: "%.2f", rate)) img/s  ETA \(eta)  failed \(summary.failures)"
        FileHandle.standardOutput.write(Data("\r\(line)\u{1B}[K".utf8))
    }

    func finish(_ summary: BatchSummary, folder: URL) {
        if Self.isTerminal {
            print("")
            print("processed \(summary.processed), kept original \(Self.counts(summary.keptOriginal)), "
                  + "skipped \(Self.counts(summary.skipped)), failed \(Self.counts(summary.failed)) "
                  + "in \(String(format: "%.1f", summary.seconds)) s")
            if summary.interrupted { print("stopped with \(summary.notStarted) left: run the same command again to continue") }
            if let angles = summary.angles {
                print("angles: \(angles.drawn) drawn, waiting in \(folder.appendingPathComponent(BatchAngles.pendingFolder).path) "
                      + "for `lightbox review \(folder.path)`; declined \(angles.declined.count), failed \(Self.counts(angles.failed))")
            }
            if let magento = summary.magentoImport {
                print("magento import: \(magento.file), \(magento.rows) row(s), \(magento.files) file(s); "
                      + "left out \(magento.leftOut.count) (listed in report.json)")
            }
            print("results in \(folder.path); report: \(folder.appendingPathComponent("report.html").path)")
        } else {
            print(Self.json(["summary": summary]))
        }
    }

    static func counts(_ values: [String: Int]) -> String {
        let total = values.values.reduce(0, +)
        guard total > 0 else { return "0" }
        return "\(total) (" + values.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"
    }

    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        return whole >= 3600 ? "\(whole / 3600)h\(whole % 3600 / 60)m" : whole >= 60 ? "\(whole / 60)m\(whole % 60)s" : "\(whole)s"
    }

    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? "{}"
    }
}

/// `--dry-run`: what each (item, store view) would come to, and nothing written.
struct DryRunListing {
    let plan: BatchPlan

    struct Line: Encodable {
        let sku: String
        let store: String
        let source: String
        let action: String
        let reason: String?
    }

    func print(asJSON: Bool) {
        var counts: [String: Int] = [:]
        for entry in plan.entries {
            let (action, reason): (String, String?) = switch entry.action {
            case .render: ("process", nil)
            case .keepOriginal(let why): ("keep_original", why)
            case .skip(let why): ("skip", why)
            case .fail(let error): ("fail", error.code.rawValue)
            }
            counts[action, default: 0] += 1
            let line = Line(sku: entry.item.sku, store: entry.store, source: entry.item.image.description, action: action,
                            reason: reason)
            if asJSON {
                Swift.print(BatchProgress.json(line))
            } else {
                Swift.print("\(action.padding(toLength: 14, withPad: " ", startingAt: 0)) \(entry.store)  \(entry.item.sku)  "
                            + "\(line.source)" + (reason.map { "  (\($0))" } ?? ""))
            }
        }
        let summary = ["dry_run": counts]
        if asJSON { Swift.print(BatchProgress.json(summary)) } else {
            Swift.print("dry run, nothing written: " + counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                .joined(separator: ", "))
        }
    }
}
