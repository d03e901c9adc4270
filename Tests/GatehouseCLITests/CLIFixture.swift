import Foundation
import GatehouseTesting

/// A device directory made by `gatehouse init`, and ways to run the CLI against it.
struct CLIFixture {
    let directory = TemporaryDirectory("gatehouse-cli")
    var config: String { directory.file("site/gatehouse.toml") }
    var bundleKey: String { directory.file("site/keys/private/bundle.jwk") }
    var bundleKeys: String { directory.file("site/keys/bundle.jwks") }

    /// `mqtt`: the broker URL `init --mqtt` writes into the config; `nfc`: the libnfc connection
    /// string `init --nfc` binds the gate-in reader to.
    init(mqtt: String? = nil, nfc: String? = nil, device: String = "gate-01") throws {
        let options = (mqtt.map { ["--mqtt", $0] } ?? []) + (nfc.map { ["--nfc", $0] } ?? [])
        let output = try GatehouseBinary.run(["init", "--site", "acme", "--device", device, "--out", directory.file("site")] + options)
        precondition(output.status == 0, "init failed: \(output.standardError)")
    }

    func run(_ arguments: [String]) throws -> GatehouseBinary.Output {
        try GatehouseBinary.run(arguments)
    }

    /// Builds a bundle with the CLI from JSON Lines and returns its path.
    func build(version: Int, lines: [String], name: String? = nil, arguments: [String] = []) throws -> String {
        let input = directory.write("input-\(version).jsonl", lines.joined(separator: "\n") + "\n")
        let output = directory.file(name ?? "v\(version).bundle")
        let result = try run(["bundle", "build", "--out", output, "--sign", bundleKey, "--site", "acme", "--version", String(version)] + arguments + [input])
        precondition(result.status == 0, "build failed: \(result.standardError)")
        return output
    }

    /// `gatehouse status --json`, decoded.
    func status() throws -> [String: Any] {
        let output = try run(["status", "--config", config, "--json"])
        return try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any] ?? [:]
    }
}
