import ArgumentParser
import GatehouseAdmin

/// `gatehouse init`: the first command a new user runs.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a device directory: a commented config, keys, and a state directory.",
        discussion: "Writes DIR/gatehouse.toml, DIR/keys/{bundle,invite,command}.jwks and their private keys under DIR/keys/private/ (mode 0600). Never overwrites a file.")

    @Option(help: "The site id.") var site: String
    @Option(help: "This device's id.") var device: String
    @Option(help: "The directory to create.") var out: String
    @Option(help: "The site broker, mqtt://HOST:PORT or mqtts://HOST:PORT.") var mqtt: String?
    @Option(help: "A libnfc connection string for the gate-in reader (e.g. pn532_uart:/dev/ttyUSB0).") var nfc: String?

    func run() async throws {
        try await failing {
            do {
                let written = try SiteInitializer(site: site, device: device, mqttURL: mqtt, nfcConnection: nfc).write(to: out)
                for path in written { print("wrote \(path)") }
                print("next: gatehouse check-config \(out)/gatehouse.toml")
            } catch {
                throw CLIFailure.refused("\(error)")
            }
        }
    }
}
