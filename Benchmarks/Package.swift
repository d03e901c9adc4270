// swift-tools-version:6.1
import PackageDescription

// Benchmarks live in their own package so that the product's build never carries them.
// Run with scripts/bench; results and commands are in docs/benchmarks.md.
let package = Package(
    name: "gatehouse-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "gatehouse", path: ".."),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
    ],
    targets: [
        .systemLibrary(name: "CZBarBench", pkgConfig: "zbar", providers: [.apt(["libzbar-dev"])]),
        .systemLibrary(name: "CSQLiteBench", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CMosquittoBench", providers: [.apt(["libmosquitto-dev"])]),
        .executableTarget(
            name: "gatehouse-bench",
            dependencies: [
                .product(name: "GatehouseCore", package: "gatehouse"),
                .product(name: "GatehouseStore", package: "gatehouse"),
                .product(name: "GatehouseAdmin", package: "gatehouse"),
                .product(name: "GatehouseTesting", package: "gatehouse"),
                .product(name: "GatehouseDaemon", package: "gatehouse"),
                .product(name: "GatehouseMQTT", package: "gatehouse"),
                .product(name: "GatehouseQR", package: "gatehouse"),
                .product(name: "GatehouseNFC", package: "gatehouse"),
                "CZBarBench", "CSQLiteBench", "CMosquittoBench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        )
    ]
)
