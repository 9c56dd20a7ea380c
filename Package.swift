// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Lightbox",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "lightbox", targets: ["lightbox"]),
        .library(name: "LightboxCore", targets: ["LightboxCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swiftcsv/SwiftCSV", from: "0.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // libvips, reached only through the CVips shim.
        .systemLibrary(
            name: "CLibvips",
            pkgConfig: "vips",
            providers: [.apt(["libvips-dev"])]
        ),
        .target(name: "CVips", dependencies: ["CLibvips"]),
        // OpenCV's DNN module (and MSER, for text over a photo) behind a plain C header.
        .target(
            name: "CSegnet",
            cxxSettings: [.unsafeFlags(["-I/usr/include/opencv4"])],
            linkerSettings: [.linkedLibrary("opencv_dnn"), .linkedLibrary("opencv_features2d"), .linkedLibrary("opencv_core")]
        ),
        // XNNPACK's plain C API, called from Swift directly.
        .systemLibrary(
            name: "CXNNPACK",
            providers: [.apt(["libxnnpack-dev", "libpthreadpool-dev"])]
        ),
        // The pipeline: bytes in, encoded images out. No files, no network.
        .target(
            name: "LightboxCore",
            dependencies: ["CVips", "CSegnet", "CXNNPACK", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // Files and the network: inputs, atomic outputs, model installation checks, the scene generator.
        .target(
            name: "LightboxIO",
            dependencies: [
                "LightboxCore", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ]
        ),
        // The durable job queue behind a protocol: the embedded SQLite store and the PostgreSQL one.
        .target(
            name: "LightboxJobs",
            dependencies: [
                "LightboxCore", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The HTTP API and its in-process workers: a thin adapter over the store and the pipeline.
        .target(
            name: "LightboxService",
            dependencies: [
                "LightboxCore", "LightboxIO", "LightboxJobs", "LightboxBatch",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        // Catalogue batches: sources, templates per store view, the resume ledger, reports.
        .target(
            name: "LightboxBatch",
            dependencies: [
                "LightboxCore", "LightboxIO", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"), .product(name: "SwiftCSV", package: "SwiftCSV"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "lightbox",
            dependencies: [
                "LightboxCore", "LightboxIO", "LightboxJobs", "LightboxService", "LightboxBatch",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The parsers strangers reach, one libFuzzer harness each (fuzz/README.md); the tests replay their corpora.
        .target(name: "LightboxFuzzing", dependencies: [
            "LightboxCore", "LightboxBatch", "LightboxService", .product(name: "NIOCore", package: "swift-nio"),
        ]),
        // Fixtures, the shared real model, and pixel helpers for every test target.
        .target(name: "LightboxTestSupport",
                dependencies: [
                    "LightboxCore", "LightboxIO", .product(name: "Hummingbird", package: "hummingbird"),
                    .product(name: "HTTPTypes", package: "swift-http-types"),
                    .product(name: "NIOCore", package: "swift-nio"),
                    .product(name: "NIOHTTP1", package: "swift-nio"),
                    .product(name: "Logging", package: "swift-log"),
                    .product(name: "AsyncHTTPClient", package: "async-http-client"),
                    .product(name: "PostgresNIO", package: "postgres-nio"),
                ],
                path: "Tests/LightboxTestSupport"),
        .testTarget(name: "LightboxCoreTests", dependencies: ["LightboxCore", "LightboxTestSupport"]),
        .testTarget(name: "LightboxIOTests", dependencies: ["LightboxIO", "LightboxTestSupport"]),
        .testTarget(name: "LightboxBatchTests", dependencies: [
            "LightboxBatch", "LightboxTestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "LightboxJobsTests", dependencies: ["LightboxJobs", "LightboxTestSupport"]),
        .testTarget(name: "LightboxServiceTests", dependencies: [
            "LightboxService", "LightboxJobs", "LightboxIO", "LightboxTestSupport", .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Yams", package: "Yams"),
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),
        .testTarget(name: "LightboxFuzzingTests", dependencies: ["LightboxFuzzing", "LightboxTestSupport"]),
        // Runs the built `lightbox` binary as a user would.
        .testTarget(name: "LightboxCLITests", dependencies: [
            "lightbox", "LightboxTestSupport", "LightboxBatch", "LightboxJobs", "LightboxIO",
            .product(name: "SwiftCSV", package: "SwiftCSV"),
        ]),
    ],
    cxxLanguageStandard: .cxx17
)

// The libFuzzer binary, built only by fuzz/build.sh: main runs libFuzzer's driver (fuzz/Entry).
if Context.environment["LIGHTBOX_FUZZ"] == "1" {
    package.products.append(.executable(name: "lightbox-fuzz", targets: ["lightbox-fuzz"]))
    package.targets.append(.target(name: "CFuzzEntry", path: "fuzz/Entry"))
    package.targets.append(.executableTarget(name: "lightbox-fuzz", dependencies: ["LightboxFuzzing", "CFuzzEntry"], path: "fuzz/Driver",
                                             swiftSettings: [.unsafeFlags(["-parse-as-library"])]))
}
