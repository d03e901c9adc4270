// swift-tools-version:6.1
import PackageDescription

// libFuzzer harnesses, one executable per input that comes from outside. Built and run by
// scripts/fuzz (swiftc -sanitize=fuzzer,address); seed corpora in Fuzz/Corpus/NAME. They live in
// their own package so that the product's build never carries them.
let harnesses = [
    "bundle-manifest", "visitor-token", "command", "config", "secrets", "jwks", "mqtt-inbound", "osdp-frame", "wiegand", "apdu-response",
    "qr-payload", "csv", "bundle-records", "toml", "pn532-frame",
]

let package = Package(
    name: "gatehouse-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "gatehouse", path: ".."),
        // toml++ through TOMLKit: the reference the `toml` harness checks Gatehouse's TOML reader against.
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
    ],
    targets: [
        .target(
            name: "FuzzSupport",
            dependencies: [
                .product(name: "GatehouseCore", package: "gatehouse"), .product(name: "GatehouseAdmin", package: "gatehouse"),
                .product(name: "GatehouseTesting", package: "gatehouse"),
            ])
    ]
        + harnesses.map { name in
            .executableTarget(
                name: "fuzz-\(name)",
                dependencies: [
                    "FuzzSupport", .product(name: "GatehouseCore", package: "gatehouse"), .product(name: "GatehouseAdmin", package: "gatehouse"),
                ] + (name == "toml" ? [.product(name: "TOMLKit", package: "TOMLKit")] : [])
                    + (name == "pn532-frame" ? [.product(name: "GatehouseNFC", package: "gatehouse"), .product(name: "GatehouseTesting", package: "gatehouse")] : []))
        }
)
