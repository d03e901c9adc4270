import ArgumentParser
import GatehouseAdmin

/// `gatehouse init`: the first command a new user runs.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a device directory (--out), or lay out this box the packaged way (--system).",
        discussion: """
            With --out DIR: writes DIR/gatehouse.toml, DIR/keys/{bundle,invite,command}.jwks and \\
            their private keys under DIR/keys/private/ (mode 0600), and DIR/state. Never \\
            overwrites a file.

            With --system (as root, after installing the package): writes \\
            /etc/gatehouse/gatehouse.toml (replacing the package's unconfigured one), the site's \\
            public keys in /etc/gatehouse/keys/ (root, group gatehouse, 0640), and \\
            /var/lib/gatehouse for the database (user gatehouse, 0750). The site's private signing \\
            keys never go onto the box unless asked: give --private-keys DIR for new keys \\
            (written to DIR, e.g. removable media), --trust-from DIR for the site's existing \\
            bundle.jwks, invite.jwks and command.jwks, or --private-keys-on-device. Then: \\
            systemctl enable --now gatehouse.
            """)

    @Option(help: "The site id.") var site: String
    @Option(help: "This device's id.") var device: String
    @Option(help: "The directory to create.") var out: String?
    @Flag(help: "Lay out this box the packaged way: /etc/gatehouse and /var/lib/gatehouse.") var system = false
    @Option(help: "With --system: write new private keys to this directory, off the box.") var privateKeys: String?
    @Option(help: "With --system: copy the site's existing public JWKS files from this directory.") var trustFrom: String?
    @Flag(help: "With --system: keep new private keys on the box, in /etc/gatehouse/keys/private (0600, root).") var privateKeysOnDevice = false
    @Option(help: ArgumentHelp("With --system: the root of a box image to lay out instead of this machine.", visibility: .hidden)) var root: String = ""
    @Option(help: "The site broker, mqtt://HOST:PORT or mqtts://HOST:PORT.") var mqtt: String?
    @Option(help: "A libnfc connection string for the gate-in reader (e.g. pn532_uart:/dev/ttyUSB0).") var nfc: String?

    func validate() throws {
        if system {
            guard out == nil else { throw ValidationError("--out and --system do not go together: --system writes /etc/gatehouse and /var/lib/gatehouse") }
            let choices = [privateKeys != nil, trustFrom != nil, privateKeysOnDevice].filter { $0 }.count
            guard choices == 1 else {
                throw ValidationError("--system needs one of --private-keys DIR (new keys, the private ones off the box), --trust-from DIR (the site's existing JWKS files) or --private-keys-on-device")
            }
        } else {
            guard out != nil else { throw ValidationError("give --out DIR for a device directory, or --system for this box") }
            guard privateKeys == nil, trustFrom == nil, !privateKeysOnDevice else { throw ValidationError("--private-keys, --trust-from and --private-keys-on-device go with --system") }
        }
    }

    func run() async throws {
        try await failing {
            let initializer = SiteInitializer(site: site, device: device, mqttURL: mqtt, nfcConnection: nfc)
            do {
                if system {
                    let trust: SystemLayout.Trust =
                        if let privateKeys { .generate(privateKeys: privateKeys) } else if let trustFrom { .copy(from: trustFrom) } else { .generateOnDevice }
                    let written = try SystemLayout(initializer: initializer, trust: trust, root: root).write()
                    for path in written { print("wrote \(path)") }
                    print("next: gatehouse check-config, then systemctl enable --now gatehouse")
                } else if let out {
                    let written = try initializer.write(to: out)
                    for path in written { print("wrote \(path)") }
                    print("next: gatehouse check-config --config \(out)/gatehouse.toml")
                }
            } catch {
                throw CLIFailure.refused("\(error)")
            }
        }
    }
}
