import Foundation
import GatehouseCore
import GatehouseDaemon
import GatehouseGPIO
import GatehouseStore
import GatehouseTesting
import Testing

/// A keypad door end to end: the PIN key made with the CLI, a people CSV with PINs and a
/// badges CSV with card numbers built into a bundle with `--pin-key`, a Wiegand reader (the
/// simulated lines, fed card frames and keypad keys) at a door whose zone requires a PIN, and
/// `gatehouse simulate` typing a PIN at a simulated reader of the same door.
@Suite("A keypad door: Wiegand cards, PINs and duress through the daemon")
struct KeypadDaemonTests {
    /// H10301 123:4567, from an outside packer (as the decoder's tests).
    static let annaCard = "10111101100010001110101110"
    static let extraConfig = """

        secrets = "secrets.toml"

        [pin]
        timeout_s = 20
        attempts = 3
        lockout_s = 600

        [outputs.vault-relay]
        line = 5
        [outputs.vault-led]
        line = 6

        [doors.vault]
        zone = "vault"
        relay = "vault-relay"
        pulse_ms = 1000

        [readers.vault-keypad]
        type = "wiegand"
        d0 = 20
        d1 = 21
        formats = ["H10301"]
        door = "vault"
        led = "vault-led"

        [readers.vault-sim]
        type = "simulated"
        door = "vault"
        """

    struct Site {
        let site: CLIFixture
        var secrets: String { site.directory.file("site/secrets.toml") }

        init() throws {
            site = try CLIFixture()
            // The secrets file goes before the tables: `secrets` is a top-level key.
            let config = try String(contentsOfFile: site.config, encoding: .utf8)
            let (head, tables) = config.range(of: "\n[").map { (String(config[..<$0.lowerBound]), String(config[$0.lowerBound...])) } ?? (config, "")
            let extra = KeypadDaemonTests.extraConfig
            let top = extra.components(separatedBy: "\n[pin]")[0]
            try (head + top + tables + "\n[pin]" + extra.components(separatedBy: "\n[pin]")[1]).write(toFile: site.config, atomically: true, encoding: .utf8)
        }

        /// Makes the PIN key and builds and applies a bundle with PINs.
        func prepare() throws -> GatehouseBinary.Output {
            let made = try site.run(["keys", "generate-pin-key", "--out", secrets, "--site", "acme"])
            precondition(made.status == 0, made.standardError)
            let people = site.directory.write("people.csv", "id,kind,pin,duress_pin\nanna,employee,4711,9111\nbob,employee,,\n")
            let badges = site.directory.write("badges.csv", "person,card\nanna,0123:04567\nbob,77:1234\n")
            let zones = site.directory.write(
                "zones.jsonl",
                [
                    #"{"op":"put","type":"zone","id":"vault","level":"high_security","anti_passback":"none","requires":{"pin":true}}"#,
                    Records.zone("site"), Records.grant("g-anna", person: "anna", zones: ["vault", "site"]),
                    Records.grant("g-bob", person: "bob", zones: ["vault"]),
                ].joined(separator: "\n") + "\n")
            let bundle = site.directory.file("pins.bundle")
            let built = try site.run([
                "bundle", "build", "--out", bundle, "--sign", site.bundleKey, "--site", "acme", "--version", "1", "--pin-key", secrets, zones, people, badges,
            ])
            precondition(built.status == 0, built.standardError)
            let applied = try site.run(["bundle", "apply", bundle, "--config", site.config])
            precondition(applied.status == 0, applied.standardError)
            return made
        }
    }

    @Test("the PIN key is made 0600 and never printed; the bundle holds keyed hashes, never the digits")
    func keyAndBundle() throws {
        let site = try Site()
        let made = try site.prepare()
        let text = try String(contentsOfFile: site.secrets, encoding: .utf8)
        let key = try #require(text.split(separator: "\"").dropFirst().first.map(String.init))
        #expect(key.count == 64)
        #expect(!made.standardOutput.contains(key) && !made.standardError.contains(key))
        let attributes = try FileManager.default.attributesOfItem(atPath: site.secrets)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        // A second key over the first is refused: it would make every PIN wrong.
        let again = try site.site.run(["keys", "generate-pin-key", "--out", site.secrets])
        #expect(again.status != 0 && again.standardError.contains("has a PIN key already"))
        // The body (not compressed) as the file holds it: the keyed hash, never the digits.
        let body = String(decoding: try #require(FileManager.default.contents(atPath: site.site.directory.file("pins.bundle"))), as: UTF8.self)
        let hash = PINKey(bytes: Hex.bytes(key)!)!.hash(site: "acme", person: "anna", digits: "4711")
        #expect(body.contains(#""pin":"\#(hash)""#))
        #expect(!body.contains(#""pin":"4711""#) && !body.contains("9111"))
        // A PIN column without --pin-key is refused, naming the fix.
        let people = site.site.directory.write("more.csv", "id,pin\ncarl,1234\n")
        let refused = try site.site.run(["bundle", "build", "--out", site.site.directory.file("x.bundle"), "--sign", site.site.bundleKey, "--site", "acme", "--version", "2", people])
        #expect(refused.status != 0 && refused.standardError.contains("--pin-key") && !refused.standardError.contains("1234"))
    }

    @Test("check-config refuses a secrets file others can read, and a missing one, naming the fix")
    func secretsFileChecked() throws {
        let site = try Site()
        let missing = try site.site.run(["check-config", site.site.config])
        #expect(missing.status == 1 && missing.standardOutput.contains("generate-pin-key"))
        _ = try site.prepare()
        #expect(try site.site.run(["check-config", site.site.config]).status == 0)
        chmod(site.secrets, 0o644)
        let open = try site.site.run(["check-config", site.site.config])
        #expect(open.status == 1 && open.standardOutput.contains("chmod 600"))
        #expect(!open.standardOutput.contains(try String(contentsOfFile: site.secrets, encoding: .utf8).split(separator: "\"")[1]))
    }

    @Test("a card then its PIN on the keypad opens; the duress PIN opens and raises alarm.duress; three wrong PINs lock the card; noise is a reader fault")
    func keypadDoor() async throws {
        let site = try Site()
        _ = try site.prepare()
        let lines = SimulatedWiegandLines()
        let recorder = LogRecorder()
        var dependencies = DaemonDependencies.inProcess(logger: recorder.logger())
        dependencies.readers = { reader throws(DaemonError) in
            guard case .wiegand(let settings) = reader.source else { return nil }
            return WiegandReader(lines: lines, settings: settings)
        }
        let config = try ConfigFile.loadForDaemon(site.site.config).config
        func key(_ character: Character) {
            let code = character == "#" ? 11 : character == "*" ? 10 : Int(String(character))!
            lines.send(bits: String(String(code, radix: 2).reversed()).padding(toLength: 4, withPad: "0", startingAt: 0).reversed().map(String.init).joined())
        }
        func type(_ keys: String) { for character in keys { key(character) } }
        func count(_ type: String, _ events: [StoredEvent]) -> Int { events.filter { $0.type == type }.count }
        try await withDaemon(config: config, dependencies: dependencies) { daemon in
            lines.send(bits: Self.annaCard)
            type("4711#")
            #expect(try await daemon.waitForEvents { count("gatehouse.access.granted", $0) == 1 })
            let granted = try #require(try daemon.events().last { $0.type == "gatehouse.access.granted" })
            #expect(granted.payload.contains(#""format":"card""#) && granted.payload.contains(#""person":"anna""#))

            lines.send(bits: Self.annaCard)
            type("9111#")
            #expect(try await daemon.waitForEvents { count("gatehouse.alarm.duress", $0) == 1 && count("gatehouse.access.granted", $0) == 2 })
            let events = try daemon.events()
            let duress = try #require(events.firstIndex { $0.type == "gatehouse.alarm.duress" })
            #expect(events[duress - 1].type == "gatehouse.access.granted", "stored with the grant")

            for _ in 1...3 {
                lines.send(bits: Self.annaCard)
                type("0000#")
            }
            #expect(try await daemon.waitForEvents { count("gatehouse.alarm.repeated_denials", $0) == 1 })
            lines.send(bits: Self.annaCard)
            #expect(try await daemon.waitForEvents { $0.filter { $0.type == "gatehouse.access.denied" }.count == 4 })
            #expect(try daemon.events().last { $0.type == "gatehouse.access.denied" }?.payload.contains(#""reason":"pin_wrong""#) == true)

            // Five parity errors in a row: a reader fault; a good frame: recovered.
            var flipped = Array(Self.annaCard)
            flipped[3] = flipped[3] == "1" ? "0" : "1"
            for _ in 1...5 { lines.send(bits: String(flipped)) }
            #expect(try await daemon.waitForEvents { count("gatehouse.alarm.reader_fault", $0) == 1 })
            #expect(try daemon.events().last { $0.type == "gatehouse.alarm.reader_fault" }?.payload.contains("bad_frames") == true)
            lines.send(bits: Self.annaCard)
            #expect(try await daemon.waitForEvents { $0.contains { $0.type == "gatehouse.alarm.reader_fault" && $0.payload.contains("recovered") } })

            // `gatehouse simulate` at the simulated reader of the same door: bob has no PIN.
            let bob = try site.site.run(["simulate", "--config", site.site.config, "--reader", "vault-sim", "card", "77:1234", "--pin", "1234"])
            #expect(bob.status == 1 && bob.standardOutput.contains("pin_missing"))
            // Anna's card is locked at every reader (lockout_s = 600): refused without a PIN asked.
            let locked = try site.site.run(["simulate", "--config", site.site.config, "--reader", "vault-sim", "card", "123:4567", "--pin", "4711"])
            #expect(locked.status == 1 && locked.standardOutput.contains("pin_wrong"))
        }
        // Neither the digits nor the card number reach the log.
        #expect(!recorder.text.contains("4711") && !recorder.text.contains("9111") && !recorder.text.contains("123:4567"))
    }
}
