// swift-tools-version:6.1
import PackageDescription

/// Settings every Swift target of ours shares: Swift 6 language mode is the package default.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// A `.systemLibrary` target for a C library that Debian packages with a pkg-config file.
func systemLibrary(_ name: String, pkgConfig: String, apt: String) -> Target {
    .systemLibrary(name: name, pkgConfig: pkgConfig, providers: [.apt([apt])])
}

let package = Package(
    name: "gatehouse",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gatehouse", targets: ["gatehouse"]),
        .library(name: "GatehouseCore", targets: ["GatehouseCore"]),
        .library(name: "GatehouseStore", targets: ["GatehouseStore"]),
        .library(name: "GatehouseAdmin", targets: ["GatehouseAdmin"]),
        .library(name: "GatehouseDaemon", targets: ["GatehouseDaemon"]),
        .library(name: "GatehouseTesting", targets: ["GatehouseTesting"]),
        .library(name: "GatehouseMQTT", targets: ["GatehouseMQTT"]),
        .library(name: "GatehouseQR", targets: ["GatehouseQR"]),
        .library(name: "GatehouseNFC", targets: ["GatehouseNFC"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.0.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/yaslab/CSV.swift.git", from: "2.5.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.1.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // C libraries, from Debian's -dev packages.
        systemLibrary("CNFC", pkgConfig: "libnfc", apt: "libnfc-dev"),
        systemLibrary("CZBar", pkgConfig: "zbar", apt: "libzbar-dev"),
        systemLibrary("CGPIOD", pkgConfig: "libgpiod", apt: "libgpiod-dev"),
        systemLibrary("CMosquitto", pkgConfig: "libmosquitto", apt: "libmosquitto-dev"),
        systemLibrary("CQREncode", pkgConfig: "libqrencode", apt: "libqrencode-dev"),
        systemLibrary("CPNG", pkgConfig: "libpng", apt: "libpng-dev"),
        systemLibrary("CZlib", pkgConfig: "zlib", apt: "zlib1g-dev"),

        // The pure heart: model, policy, verification, config. No C of ours, no I/O.
        .target(
            name: "GatehouseCore",
            dependencies: [
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),

        // The one thread type and the one bounded blocking queue every thread of ours uses.
        .target(name: "GatehouseThreads", swiftSettings: strictSettings),

        // One thin adapter per C library.
        .target(
            name: "GatehouseNFC",
            dependencies: ["CNFC", "GatehouseCore", "GatehouseThreads", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "GatehouseQR",
            dependencies: ["CZBar", "CQREncode", "CPNG", "GatehouseCore"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "GatehouseGPIO",
            dependencies: ["CGPIOD", "GatehouseCore", "GatehouseThreads", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),
        .target(name: "GatehouseMQTT", dependencies: ["CMosquitto", "GatehouseCore", "GatehouseThreads"], swiftSettings: strictSettings),
        // OSDP readers on RS-485 buses: the protocol is the core's; this is the serial line and the bus thread.
        .target(
            name: "GatehouseOSDP", dependencies: ["GatehouseCore", "GatehouseThreads", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings),
        .target(name: "GatehouseGzip", dependencies: ["CZlib", "GatehouseCore"], swiftSettings: strictSettings),

        // The SQLite policy cache and event outbox.
        .target(
            name: "GatehouseStore",
            dependencies: [
                "GatehouseCore",
                "GatehouseGzip",
                "GatehouseThreads",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // Administrator tools: keys, CSV import, bundle building, token and command minting, init.
        .target(
            name: "GatehouseAdmin",
            dependencies: [
                "GatehouseCore",
                "GatehouseGzip",
                "GatehouseQR",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CSV", package: "CSV.swift"),
            ],
            swiftSettings: strictSettings
        ),

        // The daemon: services on swift-service-lifecycle, the access thread, the control socket.
        .target(
            name: "GatehouseDaemon",
            dependencies: [
                "GatehouseCore",
                "GatehouseStore",
                "GatehouseGPIO",
                "GatehouseMQTT",
                "GatehouseNFC",
                "GatehouseOSDP",
                "GatehouseQR",
                "GatehouseThreads",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictSettings
        ),

        // The one executable: `gatehouse run` is the daemon, the rest are admin and field tools.
        .executableTarget(
            name: "gatehouse",
            dependencies: [
                "GatehouseCore",
                "GatehouseStore",
                "GatehouseAdmin",
                "GatehouseDaemon",
                "GatehouseNFC",
                "GatehouseQR",
                "GatehouseGPIO",
                "GatehouseMQTT",
                "GatehouseGzip",
                "GatehouseThreads",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // Fakes, fixtures and emulators shared by tests, the demo and the benchmarks.
        .target(
            name: "GatehouseTesting",
            dependencies: [
                "GatehouseCore", "GatehouseStore", "GatehouseAdmin", "GatehouseDaemon", "GatehouseMQTT", "GatehouseQR", "GatehouseThreads",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // A PN532 for libnfc on a pseudo-terminal, driven from standard input: for the demo.
        .executableTarget(name: "pn532-emulator", dependencies: ["GatehouseTesting", "GatehouseCore"], swiftSettings: strictSettings),

        .testTarget(
            name: "GatehouseCoreTests",
            dependencies: ["GatehouseCore", "GatehouseAdmin", "GatehouseTesting"],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "GatehouseThreadsTests", dependencies: ["GatehouseThreads"], swiftSettings: strictSettings),
        .testTarget(
            name: "GatehouseStoreTests",
            dependencies: ["GatehouseStore", "GatehouseTesting", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "GatehouseAdminTests",
            dependencies: ["GatehouseAdmin", "GatehouseQR", "GatehouseGzip", "GatehouseTesting"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "GatehouseQRTests",
            dependencies: ["GatehouseQR", "GatehouseCore", "GatehouseTesting"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "GatehouseNFCTests",
            dependencies: ["GatehouseNFC", "GatehouseCore", "GatehouseTesting"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "GatehouseGPIOTests",
            dependencies: ["GatehouseGPIO", "GatehouseCore", "GatehouseTesting", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "GatehouseMQTTTests",
            dependencies: ["GatehouseMQTT", "GatehouseCore", "GatehouseTesting"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "GatehouseCLITests",
            dependencies: [
                "gatehouse", "GatehouseTesting", "GatehouseDaemon", "GatehouseThreads", "GatehouseCore", "GatehouseMQTT", "GatehouseAdmin", "GatehouseGPIO", "GatehouseQR", "GatehouseNFC",
                "GatehouseStore", "GatehouseGzip", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
    ]
)
