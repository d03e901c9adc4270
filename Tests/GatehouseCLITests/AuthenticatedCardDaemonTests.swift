import Foundation
import GatehouseCore
import GatehouseTesting
import Testing

/// Authenticated cards end to end: the card master key made with the CLI, a software DESFire
/// EV2 issued and checked with `gatehouse card` through real libnfc and the PN532 emulator, then
/// the daemon with the same emulator at a door whose zone requires authenticated cards and a
/// second emulator at a door whose zone does not. The genuine card goes in; its UID on a magic
/// card is kept out where authentication is required and let in where it is not.
@Suite("Authenticated cards through the CLI and the daemon", .serialized)
struct AuthenticatedCardDaemonTests {
    static let anna = DaemonFixture.anna

    struct Site {
        let directory = TemporaryDirectory("gatehouse-cards")
        let gate: PN532Emulator
        let lobby: PN532Emulator
        let site: CLIFixture
        var secrets: String { site.directory.file("site/secrets.toml") }

        init() throws {
            gate = try PN532Emulator(link: directory.file("gate"))
            lobby = try PN532Emulator(link: directory.file("lobby"))
            site = try CLIFixture(nfc: gate.connection)
            var config = try String(contentsOfFile: site.config, encoding: .utf8)
            // `secrets` is a top-level key: before the first table.
            let firstTable = try #require(config.range(of: "\n["))
            config.insert(contentsOf: "\nsecrets = \"secrets.toml\"\n", at: firstTable.lowerBound)
            let reader = try #require(config.range(of: "connection = \"\(gate.connection)\""))
            config.insert(contentsOf: "card_security = \"desfire\"\n", at: config[reader.upperBound...].firstIndex(of: "\n").map { config.index(after: $0) } ?? config.endIndex)
            config += """

                [outputs.lobby-relay]
                line = 30

                [doors.lobby]
                zone = "lobby"
                relay = "lobby-relay"

                [readers.lobby-in]
                type = "nfc"
                connection = "\(lobby.connection)"
                door = "lobby"

                """
            try config.write(toFile: site.config, atomically: true, encoding: .utf8)
        }

        /// The bundle: the site requires authenticated cards, the lobby does not.
        func applyBundle() throws {
            let bundle = try site.build(
                version: 1,
                lines: [
                    #"{"op":"put","type":"zone","id":"site","level":"restricted","anti_passback":"none","requires":{"authenticated_card":true}}"#,
                    Records.zone("lobby"), Records.person("anna"), Records.badge("c-anna", person: "anna", uid: AuthenticatedCardDaemonTests.anna),
                    Records.grant("g-anna", person: "anna", zones: ["site", "lobby"]),
                ])
            let applied = try site.run(["bundle", "apply", bundle, "--config", site.config])
            precondition(applied.status == 0, applied.standardError)
        }
    }

    @Test("a card issued and checked with the CLI opens the door that requires authentication; its UID clone does not, but opens the one that does not")
    func issueCheckAndDoors() throws {
        let site = try Site()
        // check-config names the reader that needs the card master keys, and the fix.
        let before = try site.site.run(["check-config", "--config", site.site.config])
        #expect(before.status != 0)
        #expect((before.standardOutput + before.standardError).contains("gatehouse keys generate-card-key"))
        // With a secrets file that has no card keys, the reader that needs them is named.
        let pin = try site.site.run(["keys", "generate-pin-key", "--out", site.secrets])
        #expect(pin.status == 0)
        let noCardKeys = try site.site.run(["check-config", "--config", site.site.config])
        #expect(noCardKeys.status != 0 && (noCardKeys.standardOutput + noCardKeys.standardError).contains("readers.gate-in.card_security"))

        let made = try site.site.run(["keys", "generate-card-key", "--out", site.secrets])
        #expect(made.status == 0, "\(made.standardError)")
        let text = try String(contentsOfFile: site.secrets, encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("1 = ") })
        let key = try #require(line.split(separator: "\"").dropFirst().first.map(String.init))
        #expect(key.count == 32 && !made.standardOutput.contains(key))
        #expect((try FileManager.default.attributesOfItem(atPath: site.secrets)[.posixPermissions] as? Int) == 0o600)
        let checked = try site.site.run(["check-config", "--config", site.site.config])
        #expect(checked.status == 0, "\(checked.standardOutput)\(checked.standardError)")

        // Issue a blank DESFire, then check it, both through libnfc on the gate's emulator.
        let card = SoftwareDESFire(uid: Hex.bytes(AuthenticatedCardDaemonTests.anna)!)
        site.gate.place(card)
        let issued = try site.site.run(["card", "issue", "--device", site.gate.connection, "--type", "desfire", "--config", site.site.config, "--timeout", "5s"])
        #expect(issued.status == 0, "\(issued.standardError)")
        #expect(issued.standardOutput.trimmingWhitespace() == AuthenticatedCardDaemonTests.anna)
        #expect(!(issued.standardOutput + issued.standardError).contains(key))
        let again = try site.site.run(["card", "issue", "--device", site.gate.connection, "--type", "desfire", "--config", site.site.config, "--timeout", "5s"])
        #expect(again.status == 1 && again.standardError.contains("not_blank"))
        let check = try site.site.run(["card", "check", "--device", site.gate.connection, "--reader-id", "gate-in", "--config", site.site.config, "--timeout", "5s"])
        #expect(check.status == 0, "\(check.standardOutput)\(check.standardError)")
        #expect(check.standardOutput.contains("authentic: yes") && check.standardOutput.contains("uid: \(AuthenticatedCardDaemonTests.anna)"))
        site.gate.remove()
        // A UID clone: the check says so, with the reason.
        site.gate.place(.ultralight(Hex.bytes(AuthenticatedCardDaemonTests.anna)!))
        let clone = try site.site.run(["card", "check", "--device", site.gate.connection, "--type", "desfire", "--config", site.site.config, "--timeout", "5s"])
        #expect(clone.status == 1 && clone.standardOutput.contains("authentic: no (wrong_card"))
        site.gate.remove()

        try site.applyBundle()
        let daemon = try RunningDaemon(config: site.site.config, logFile: site.site.directory.file("daemon.log"))
        let fixture = EventReader(site: site.site)
        func access() throws -> [JSONObject] { try fixture.events().filter { $0.string("type")?.hasPrefix("gatehouse.access.") == true } }
        func waitForAccess(_ count: Int) throws -> [JSONObject] {
            var found: [JSONObject] = []
            let arrived = try waitUntil { found = try access(); return found.count >= count }
            #expect(arrived, "waited for \(count) access events; have \(found.map { $0.object("data")?.string("reason") ?? "" })")
            return found
        }

        // The genuine card at the gate: granted, authenticated.
        site.gate.place(card)
        var events = try waitForAccess(1)
        #expect(events[0].string("type") == "gatehouse.access.granted" && events[0].object("data")?.string("person") == "anna")
        #expect(events[0].object("data")?.object("credential")?.bool("authenticated") == true)
        site.gate.remove()
        // Its UID on a magic card at the gate: denied, card_not_authentic, anna on the record.
        #expect(waitUntil { site.gate.count(of: 0x4A) > 20 })
        site.gate.place(.ultralight(Hex.bytes(AuthenticatedCardDaemonTests.anna)!))
        events = try waitForAccess(2)
        #expect(events[1].string("type") == "gatehouse.access.denied")
        #expect(events[1].object("data")?.string("reason") == "card_not_authentic")
        #expect(events[1].object("data")?.object("credential")?.bool("authenticated") == false)
        site.gate.remove()
        // The same clone at the lobby, whose zone does not ask: granted on its UID.
        site.lobby.place(.ultralight(Hex.bytes(AuthenticatedCardDaemonTests.anna)!))
        events = try waitForAccess(3)
        #expect(events[2].string("type") == "gatehouse.access.granted" && events[2].object("data")?.string("reader") == "lobby-in")
        #expect(events[2].object("data")?.object("credential")?.bool("authenticated") == false)
        #expect(daemon.stop() == 0)
        #expect(daemon.log.contains("card not authentic") && daemon.log.contains("wrong_card"))
        #expect(!daemon.log.contains(AuthenticatedCardDaemonTests.anna), "raw UIDs never reach the log")
        #expect(!daemon.log.contains(key), "keys never reach the log")
    }
}

extension AuthenticatedCardDaemonTests {
    @Test("an NTAG 424 DNA issued with SUN checks as a SUN reader sees it, and a second issue is refused; a reader without card security is refused by card check")
    func ntagThroughTheCLI() throws {
        let site = try Site()
        #expect(try site.site.run(["keys", "generate-card-key", "--out", site.secrets]).status == 0)
        // A second key is the next version: a rotation.
        let rotated = try site.site.run(["keys", "generate-card-key", "--out", site.secrets])
        #expect(rotated.status == 0 && rotated.standardOutput.contains("version 2"))
        let tag = SoftwareNTAG424(uid: Hex.bytes(AuthenticatedCardDaemonTests.anna)!)
        site.gate.place(tag)
        let issued = try site.site.run(["card", "issue", "--device", site.gate.connection, "--type", "ntag424", "--sun", "--config", site.site.config, "--timeout", "5s"])
        #expect(issued.status == 0, "\(issued.standardError)")
        #expect(issued.standardError.contains("version 2"))
        for _ in 0..<2 {
            let check = try site.site.run(["card", "check", "--device", site.gate.connection, "--type", "ntag424", "--sun", "--config", site.site.config, "--timeout", "5s"])
            #expect(check.status == 0 && check.standardOutput.contains("authentic: yes"), "\(check.standardOutput)\(check.standardError)")
        }
        let live = try site.site.run(["card", "check", "--device", site.gate.connection, "--type", "ntag424", "--config", site.site.config, "--timeout", "5s"])
        #expect(live.status == 0 && live.standardOutput.contains("authentic: yes"), "\(live.standardOutput)\(live.standardError)")
        let again = try site.site.run(["card", "issue", "--device", site.gate.connection, "--type", "ntag424", "--config", site.site.config, "--timeout", "5s"])
        #expect(again.status == 1 && again.standardError.contains("not_blank"))
        let uidReader = try site.site.run(["card", "check", "--device", site.gate.connection, "--reader-id", "lobby-in", "--config", site.site.config, "--timeout", "5s"])
        #expect(uidReader.status == 1 && uidReader.standardError.contains("card_security = \"uid\""))
        site.gate.remove()
        let none = try site.site.run(["card", "check", "--device", site.gate.connection, "--type", "desfire", "--config", site.site.config, "--timeout", "1s"])
        #expect(none.status == 1 && none.standardError.contains("no card"))
    }
}

/// `gatehouse events --json` of a site, decoded.
struct EventReader {
    let site: CLIFixture

    func events() throws -> [JSONObject] {
        let output = try site.run(["events", "--config", site.config, "--json"])
        precondition(output.status == 0, "events failed: \(output.standardError)")
        return output.standardOutput.split(separator: "\n").compactMap { line in
            guard case .object(let object)? = try? JSONReader.parse(String(line)) else { return nil }
            return object
        }
    }
}
