import GatehouseCore
import Testing

/// `type = "wiegand"` readers, `[wiegand_formats]`, `[pin]` and reader LEDs in gatehouse.toml.
@Suite struct WiegandConfigTests {
    static let base = """
        site = "acme"
        device = "gate-01"
        database = "state/gatehouse.sqlite"
        [trust]
        bundle_keys = "b.jwks"
        invite_keys = "i.jwks"
        command_keys = "c.jwks"
        [outputs.relay]
        line = 17
        [outputs.led]
        line = 18
        [inputs.contact]
        line = 22
        role = "door_contact"
        [doors.gate]
        zone = "site"
        relay = "relay"

        """

    func problems(_ text: String) -> [ConfigProblem] {
        do {
            _ = try GatehouseConfig.parse(toml: Self.base + text, file: "g.toml")
            return []
        } catch {
            return error.problems
        }
    }

    @Test func aWiegandReaderWithItsLinesFormatsAndFeedback() throws {
        let config = try GatehouseConfig.parse(toml: Self.base + """
            [pin]
            timeout_s = 20
            length = 6
            [readers.keypad]
            type = "wiegand"
            chip = "gpiochip1"
            d0 = 5
            d1 = 6
            formats = ["C1000-35", "H10301"]
            quiet_ms = 30
            door = "gate"
            led = "led"
            """, file: "g.toml")
        let reader = try #require(config.reader("keypad"))
        #expect(reader.source == .wiegand(.init(chip: "gpiochip1", d0: 5, d1: 6, formats: [.corporate1000, .h10301], quietMilliseconds: 30)))
        #expect(reader.led == "led" && reader.beeper == nil)
        #expect(config.pin == PINSettings(timeoutSeconds: 20, attempts: 3, lockoutSeconds: 300, length: 6))
    }

    @Test func badWiegandSettingsAreNamed() {
        let unknown = problems("""
            [readers.keypad]
            type = "wiegand"
            d0 = 5
            d1 = 5
            formats = ["H10301", "H99999"]
            door = "gate"
            beeper = "horn"
            """)
        #expect(unknown.contains { $0.key == "readers.keypad.formats" && $0.message.contains("\"H99999\" is not a format") && $0.message.contains("H10301") })
        #expect(unknown.contains { $0.key == "readers.keypad.beeper" && $0.message.contains("\"horn\" is not an output") })
        let same = problems("""
            [readers.keypad]
            type = "wiegand"
            d0 = 5
            d1 = 5
            door = "gate"
            """)
        #expect(same.contains { $0.key == "readers.keypad.d1" && $0.message.contains("another line") })
        // A data line that is also a door contact.
        let shared = problems("""
            [readers.keypad]
            type = "wiegand"
            d0 = 22
            d1 = 23
            door = "gate"
            """)
        #expect(shared.contains { $0.key == "readers.keypad.d0" && $0.message.contains("inputs.contact") })
    }

    @Test func badCustomFormatsAreNamed() {
        let outside = problems("""
            [wiegand_formats.big]
            bits = 30
            number = [1, 40]
            """)
        #expect(outside.contains { $0.key == "wiegand_formats.big" && $0.message.contains("outside the 30 bits") })
        let parity = problems("""
            [wiegand_formats.p]
            bits = 30
            number = [1, 28]
            parity = [{ bit = 0, kind = "even", from = 0, to = 12 }]
            """)
        #expect(parity.contains { $0.key == "wiegand_formats.p.parity[0]" && $0.message.contains("must not include the parity bit") })
        let kind = problems("""
            [wiegand_formats.k]
            bits = 30
            number = [1, 28]
            parity = [{ bit = 0, kind = "mark", from = 1, to = 12 }]
            """)
        #expect(kind.contains { $0.key == "wiegand_formats.k.parity[0].kind" })
        let builtin = problems("""
            [wiegand_formats.H10301]
            bits = 26
            number = [1, 24]
            """)
        #expect(builtin.contains { $0.message.contains("built-in format's name") })
        let key = problems("""
            [wiegand_formats.k8]
            bits = 8
            number = [0, 7]
            """)
        #expect(key.contains { $0.message.contains("keypad keys") })
    }

    @Test func badPINSettingsAreNamed() {
        let bad = problems("""
            [pin]
            attempts = 0
            length = 3
            colour = "red"
            """)
        #expect(bad.contains { $0.key == "pin.attempts" })
        #expect(bad.contains { $0.key == "pin.length" && $0.message.contains("4 to 12") })
        #expect(bad.contains { $0.key == "pin.colour" })
    }

    @Test func theSecretsFileIsParsedWithoutEverQuotingAKey() throws {
        let secrets = try DeviceSecrets.parse(toml: """
            pin_key = "\(String(repeating: "ab", count: 32))"
            [osdp_keys]
            lab-in = "000102030405060708090a0b0c0d0e0f"
            """, file: "secrets.toml")
        #expect(secrets.pinKey != nil && secrets.osdpKeys["lab-in"]?.count == 16)
        #expect(!"\(secrets)".contains("abab") && !"\(secrets)".contains("0001") && "\(secrets)".contains("present"))
        do {
            _ = try DeviceSecrets.parse(toml: "pin_key = \"deadbeef\"\n[osdp_keys]\nlab = \"xyz\"", file: "secrets.toml")
            Issue.record("short keys were taken")
        } catch {
            #expect(error.problems.map(\.key) == ["pin_key", "osdp_keys.lab"])
            #expect(!error.problems.contains { $0.message.contains("deadbeef") || $0.message.contains("xyz") })
        }
    }
}
