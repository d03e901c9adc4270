import ArgumentParser
import Foundation
import GatehouseCore
import GatehouseDaemon
import GatehouseNFC
import Logging

/// `gatehouse card`: personalise and check authenticated cards (contract 7.3) on a local reader.
struct CardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "card", abstract: "Issue and check DESFire EV2/EV3 and NTAG 424 DNA cards on a local reader.",
        discussion: """
            Both read the site and the card master keys from the configuration and its secrets file; no key is ever \
            printed. A reader of the daemon that is in use cannot be opened here: stop the daemon, or use another reader.
            """,
        subcommands: [Issue.self, Check.self])

    /// What kind of card, as `card_security` names it.
    enum Kind: String, ExpressibleByArgument, CaseIterable { case desfire, ntag424 }
    enum FileMode: String, ExpressibleByArgument, CaseIterable { case full, mac }

    /// The options both commands share.
    struct Reader: ParsableArguments {
        @OptionGroup var config: ConfigOption
        @Option(help: "The reader's libnfc connection string, e.g. pn532_uart:/dev/ttyUSB0.") var device: String
        @Option(name: .customLong("timeout"), help: "How long to wait for a card, 1s to 1h: 30s, 5m.") var wait: String = "30s"

        func validate() throws {
            guard let seconds = DurationText.seconds(wait), (1...3600).contains(seconds) else {
                throw ValidationError("--timeout must be from 1s to 1h, got \(wait)")
            }
        }

        /// The site and its card keys, from the configuration and its secrets file.
        func keys() throws(CLIFailure) -> (site: String, keys: CardKeys, config: GatehouseConfig) {
            let settings: GatehouseConfig
            let secrets: DeviceSecrets
            do {
                settings = try ConfigFile.load(config.path)
                secrets = try ConfigFile.secrets(settings, configPath: config.path)
            } catch {
                throw CLIFailure.refused("\(error)")
            }
            guard !secrets.cardMasterKeys.isEmpty else {
                throw CLIFailure.refused("\(settings.secrets ?? config.path): no [card_master_keys]; make one with: gatehouse keys generate-card-key --out SECRETS")
            }
            return (settings.site, CardKeys(masters: secrets.cardMasterKeys, site: settings.site), settings)
        }

        /// Waits for a card and runs `body` with it on the reader's own thread.
        func withCard<T: Sendable>(_ body: @escaping @Sendable (NFCCard, NFCCardTransport) throws(CardFailure) -> T) async throws -> T {
            let (device, timeout) = (device, Int(DurationText.seconds(wait) ?? 30))
            LibNFCLog.forward(to: Logger(label: "libnfc"))
            return try await NFCCommand.onOwnThread { () throws -> T in
                let reader: NFCDevice
                var found: NFCCard?
                do throws(NFCError) {
                    reader = try NFCDevice(context: try NFCContext(), connection: device)
                    printError("waiting up to \(timeout) s for a card on \(reader.name)…")
                    let deadline = DispatchTime.now() + .seconds(timeout)
                    while found == nil, DispatchTime.now() < deadline {
                        found = try reader.selectCard()
                        if found == nil { Thread.sleep(forTimeInterval: 0.05) }
                    }
                } catch {
                    throw CLIFailure.environment(error.message)
                }
                defer { reader.close() }
                guard let card = found else { throw CLIFailure.refused("no card on \(device) within \(timeout) s") }
                do throws(CardFailure) {
                    return try body(card, NFCCardTransport(device: reader))
                } catch {
                    throw CLIFailure.refused("\(error.reason.rawValue): \(error.detail)")
                }
            }
        }
    }

    /// `gatehouse card issue`.
    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "issue", abstract: "Personalise a blank card for this site's doors.",
            discussion: """
                DESFire EV2/EV3: creates the Gatehouse application (47 48 01), changes its keys to ones diversified \
                for this card from the newest card master key, and writes the credential file. NTAG 424 DNA: changes \
                its five keys, and with --sun writes the NDEF URL and turns on Secure Dynamic Messaging. A card that \
                is not blank is refused; --force issues a DESFire beside other applications, or an NTAG 424 DNA this \
                site issued before again, under the newest key version. Prints the card's UID, \
                for the badges CSV. Exit status: 0 issued; 1 refused (not blank, no card in time); 2 the reader failed.
                """)

        @OptionGroup var reader: Reader
        @Option(help: "The card: desfire or ntag424.") var type: Kind
        @Option(help: "DESFire: read the credential file in full (encrypted) or mac mode; the doors' file_mode must match.") var fileMode: FileMode = .full
        @Flag(help: "NTAG 424 DNA: turn on SUN, for doors with ntag424_check = \"sun\".") var sun = false
        @Flag(help: "DESFire: issue beside the card's other applications. NTAG 424 DNA: issue again a tag this site issued, under the newest key version (a rotation).") var force = false

        func validate() throws {
            if sun, type != .ntag424 { throw ValidationError("--sun is for --type ntag424") }
        }

        func run() async throws {
            try await failing {
                let (_, keys, _) = try reader.keys()
                guard let version = keys.currentVersion else { throw CLIFailure.refused("no card master key") }
                let (type, sun, force, full) = (type, sun, force, fileMode == .full)
                let uid = try await reader.withCard { card, transport throws(CardFailure) in
                    var random = SystemRandomNumberGenerator()
                    let issuer = CardIssuer(keys: keys, version: version)
                    switch type {
                    case .desfire: return try issuer.issueDESFire(over: transport, fullFileMode: full, force: force, random: &random)
                    case .ntag424: return try issuer.issueNTAG424(over: transport, uid: card.uid, sun: sun, force: force, random: &random)
                    }
                }
                printError("issued: \(type.rawValue)\(sun ? " with SUN" : "") under card master key version \(version)")
                print(BadgeUID.hex(uid))
            }
        }
    }

    /// `gatehouse card check`.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check", abstract: "Check a card as a door would: is it genuine, and which UID is it looked up by.",
            discussion: """
                The card's kind comes from --reader (a reader of the configuration, its card_security) or --type. \
                Prints the UID and whether the card is authentic, with the reason when it is not. Exit status: 0 \
                authentic; 1 not authentic, or no card in time; 2 the reader failed.
                """)

        @OptionGroup var reader: Reader
        @Option(help: "Check as this configured reader does (its card_security, file_mode, ntag424_check).") var readerID: String?
        @Option(help: "The card: desfire or ntag424 (without --reader).") var type: Kind?
        @Option(help: "DESFire: the credential file's mode (without --reader).") var fileMode: FileMode = .full
        @Flag(help: "NTAG 424 DNA: check the SUN message rather than authenticate (without --reader).") var sun = false

        func validate() throws {
            if (readerID == nil) == (type == nil) { throw ValidationError("give --reader ID or --type desfire|ntag424") }
        }

        func run() async throws {
            try await failing {
                let (site, keys, config) = try reader.keys()
                let security: ReaderConfig.CardSecurity
                if let readerID {
                    guard let configured = config.reader(readerID) else { throw CLIFailure.refused("\(reader.config.path): no reader \(readerID)") }
                    guard configured.cardSecurity.authenticates else { throw CLIFailure.refused("reader \(readerID) has card_security = \"uid\": it checks no card") }
                    security = configured.cardSecurity
                } else {
                    security = type == .desfire ? .desfire(fullFileMode: fileMode == .full) : .ntag424(sun: sun)
                }
                // A SUN counter is checked against the ones this run sees only: the daemon's are its own.
                let authenticator = CardAuthenticator(security: security, keys: keys, site: site)
                let check = try await reader.withCard { card, transport throws(CardFailure) in
                    var random = SystemRandomNumberGenerator()
                    return authenticator.check(uid: card.uid, sak: card.sak, over: transport, random: &random)
                }
                print("uid: \(BadgeUID.hex(check.uid))")
                print("card_security: \(security)")
                if let failure = check.failure {
                    print("authentic: no (\(failure.reason.rawValue): \(failure.detail))")
                    print("a door that authenticates denies it: card_not_authentic")
                    throw ExitCode(1)
                }
                print("authentic: yes")
            }
        }
    }
}
