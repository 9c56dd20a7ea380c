import ArgumentParser
import Crypto
import Foundation
import LightboxBatch
import LightboxCore
import LightboxIO

struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Process a catalogue, resumably: a folder, a CSV or JSONL manifest, or a Magento 2 product export.",
        usage: "lightbox batch SOURCE --out DIR [--template FILE] [--since DATE] [--limit N] [--sku-pattern GLOB] "
            + "[--category NAME] [--concurrency N] [--dry-run] [--review] [--fill-angles N] "
            + "[--magento-import FILE --magento-media DIR] [pipeline options]",
        discussion: """
            Writes DIR/<store>/<sku>/<content-hash>.<ext> for every store view of the template, records what is \
            done in DIR/batch.sqlite (a re-run skips what is unchanged), and leaves DIR/manifest.json, \
            DIR/manifest.csv, DIR/report.json, DIR/report.html and DIR/report.png. Ctrl-C or SIGTERM lets the \
            images in flight finish, then stops; the next run continues.

            """ + PipelineArguments.help
    )

    @Option(help: "Folder for the results, the ledger and the reports")
    var out: String

    @Option(help: "Brand specs per category and store view (YAML or JSON; see the README)")
    var template: String?

    @Option(name: .customLong("sku-from"), help: "For folders: where the SKU is in the path, e.g. '{sku}/*' (default: the file name)")
    var skuFrom: String?

    @Option(name: .customLong("media-root"), help: "For Magento exports: the store's pub/media/catalog/product folder")
    var mediaRoot: String?

    @Option(help: "Only items updated on or after this date (updated_at, or a file's modification time)")
    var since: String?

    @Option(help: "At most this many SKUs, the first in source order")
    var limit: Int?

    @Option(name: .customLong("sku-pattern"), help: "Only SKUs matching this shell glob, e.g. 'MB-*'")
    var skuPattern: String?

    @Option(help: "Only items in this category (a name or a path)")
    var category: String?

    @Option(help: "Images processed at once (default: the core count)")
    var concurrency = WorkerPool.coreCount

    @Flag(name: .customLong("dry-run"), help: "List what would be processed and why each other item is skipped; write nothing")
    var dryRun = false

    @Flag(name: .customLong("allow-private-urls"), help: "Let manifest URLs reach private and loopback addresses")
    var allowPrivateURLs = false

    @Option(name: .customLong("watermark-image"), help: "Image file to stamp as the watermark")
    var watermarkImage: String?

    @Flag(help: ArgumentHelp(stringLiteral: ReviewPolicy.Spec.review.help + "; see them with `lightbox review DIR`"))
    var review = false

    @Option(name: .customLong("review-below"), help: ArgumentHelp(stringLiteral: ReviewPolicy.Spec.reviewBelow.help
        + " (\(ReviewPolicy.Spec.reviewBelow.expected); default \(ReviewPolicy.Spec.reviewBelow.defaultText))"))
    var reviewBelow: String?

    @Option(name: .customLong("fill-angles"), help: ArgumentHelp(stringLiteral: AngleOptions.Spec.fill.help
        + ": a new SKU with fewer images gets the rest drawn by --generator-url's edit model, kept in DIR/pending "
        + "until approved with `lightbox review DIR` (\(AngleOptions.Spec.fill.expected))"))
    var fillAngles: String?

    @Flag(name: .customLong("redraw-angles"), help: ArgumentHelp(stringLiteral: AngleOptions.Spec.redraw.help))
    var redrawAngles = false

    @Option(name: .customLong("angle-category"), help: ArgumentHelp(stringLiteral: AngleOptions.Spec.category.help
        + " (\(AngleOptions.Spec.category.expected); default: guessed from each item's categories)"))
    var angleCategory: String?

    @Option(name: .customLong("magento-import"),
            help: "Also write a Magento 2 product import CSV of what this run changed (needs --magento-media)")
    var magentoImport: String?

    @Option(name: .customLong("magento-media"),
            help: "Magento's import images folder (e.g. var/import/images): the files the import CSV names are copied there")
    var magentoMedia: String?

    @Argument(parsing: .allUnrecognized, help: "SOURCE, and pipeline options")
    var arguments: [String] = []

    func run() throws {
        let parsed = try PipelineArguments(arguments)
        guard parsed.paths.count == 1, let source = parsed.paths.first else {
            throw ValidationError("Name one SOURCE: a folder, a .csv or .jsonl manifest, or a Magento export.")
        }
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        guard (magentoImport == nil) == (magentoMedia == nil) else {
            throw ValidationError("--magento-import and --magento-media go together: the CSV names files in that folder")
        }
        var options = parsed.options
        if let watermarkImage { options.watermark.image = try PipelineArguments.watermark(at: watermarkImage) }
        let templateFile = try template.map {
            try BatchTemplate(file: URL(fileURLWithPath: $0), options: options, engine: parsed.engine)
        }
        let specs = templateFile ?? BatchTemplate(options: options, engine: parsed.engine)
        let selection = Selection(since: try since.map(Self.date), limit: limit, skuPattern: skuPattern, category: category)
        let items: [CatalogItem]
        do {
            items = try CatalogSource.items(from: source, settings: .init(skuFrom: skuFrom,
                                                                           mediaRoot: mediaRoot.map { URL(fileURLWithPath: $0) }))
        } catch let error as SourceError {
            throw ValidationError(error.description)
        }
        let outputFolder = URL(fileURLWithPath: out).standardizedFileURL
        let limits = options.limits.maxInputBytes
        // A person's fixes from `lightbox review DIR` are kept in DIR itself, as a service keeps them in --data.
        let hints = try Renderer.hints(at: parsed.engine.hints ?? outputFolder.path)
        let reviewPolicy = ReviewPolicy(enabled: review, below: try reviewBelow.map(ReviewPolicy.Spec.reviewBelow.parse)
                                                         ?? ReviewPolicy.Spec.reviewBelow.defaultValue)
        if dryRun {
            var planner = BatchPlanner(outputFolder: outputFolder, selection: selection, template: specs,
                                       ledger: try BatchLedger(readingFrom: outputFolder), maxInputBytes: limits, download: nil)
            planner.hints = hints
            let plan = planner.plan(items)
            return DryRunListing(plan: plan).print(asJSON: !BatchProgress.isTerminal)
        }
        let fill = try fillAngles.map(AngleOptions.Spec.fill.parse) ?? 0
        let category = try angleCategory.map(AngleOptions.Spec.category.parse)
        let ledger = try BatchLedger(folder: outputFolder)
        let knownSKUs = Set(try ledger.allEntries().map(\.sku))
        // One batch writes a folder at a time: any temporary file is a killed run's.
        OutputStore.removeUnfinishedWrites(in: [outputFolder], olderThan: 0, recursive: true)
        var planner = BatchPlanner(outputFolder: outputFolder, selection: selection, template: specs, ledger: ledger,
                                   maxInputBytes: limits, download: Downloads(folder: outputFolder, limit: limits,
                                                                              allowPrivate: allowPrivateURLs).fetch)
        planner.hints = hints
        let plan = planner.plan(items)
        var engine = parsed.engine
        engine.workers = concurrency
        let processor = try Engine.fileProcessor(for: engine, generator: parsed.generator)
        let worker = BatchWorker(services: processor.services, outputFolder: outputFolder, ledger: ledger, maxInputBytes: limits,
                                 review: reviewPolicy)
        let stop = StopFlag()
        let signals = Self.stopping(stop)
        let progress = BatchProgress(total: plan.entries.count)
        var results: [BatchResult] = []
        var summary = BatchRunner(plan: plan, worker: worker, concurrency: concurrency, stop: stop)
            .run { result, summary in
                results.append(result)
                progress.show(result, summary)
            }
        if fill > 0, !summary.interrupted {
            if let generator = processor.services.generator as? GenerativeScenes {
                var angles = BatchAngles(fill: fill, generator: generator, services: processor.services,
                                         outputFolder: outputFolder, ledger: ledger)
                angles.redraw = redrawAngles
                angles.category = category
                summary.angles = angles.run(plan, knownBefore: knownSKUs)
            } else {
                Engine.log("angles not drawn: no generator is configured (--generator-url)")
            }
        }
        signals.forEach { $0.cancel() }
        if let magentoImport, let magentoMedia {
            summary.magentoImport = try MagentoImport(plan: plan.entries, results: results, ledger: try ledger.allEntries())
                .write(to: URL(fileURLWithPath: magentoImport), mediaFolder: URL(fileURLWithPath: magentoMedia),
                       outputFolder: outputFolder)
        }
        summary.peakRssMb = ResourceUsage.peakResidentMegabytes()
        try BatchReports.write(ledger: ledger, summary: summary, to: outputFolder)
        progress.finish(summary, folder: outputFolder)
        if summary.interrupted { throw ExitCode(130) }
        if summary.failures > 0 { throw ExitCode(1) }
    }

    static func date(_ text: String) throws -> Date {
        guard let date = CatalogDate.parse(text) else {
            throw LightboxError(.invalidOption, "Expected a date such as 2026-11-30 or 2026-11-30T08:00:00Z for since but received '\(text)'")
        }
        return date
    }

    /// SIGINT and SIGTERM raise `stop`: images in flight finish, nothing new starts.
    static func stopping(_ stop: StopFlag) -> [DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                FileHandle.standardError.write(Data("lightbox: stopping after the images in flight\n".utf8))
                stop.raise()
            }
            source.resume()
            return source
        }
    }
}

/// The reports every run leaves, from the whole ledger.
enum BatchReports {
    static func write(ledger: BatchLedger, summary: BatchSummary, to folder: URL) throws {
        let entries = try ledger.allEntries()
        try OutputsManifest.write(entries, to: folder)
        try ContactSheet().write(entries, summary: summary, to: folder)
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(summary).write(to: folder.appendingPathComponent("report.json"), options: .atomic)
    }
}
