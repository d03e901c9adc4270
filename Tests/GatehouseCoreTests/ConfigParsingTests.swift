import Foundation
import Testing

@testable import GatehouseCore

@Suite("Configuration")
struct ConfigParsingTests {
    static let valid = """
        site = "acme"
        device = "gate-01"
        database = "state/gatehouse.sqlite"
        [trust]
        bundle_keys = "keys/bundle.jwks"
        invite_keys = "keys/invite.jwks"
        command_keys = "keys/command.jwks"
        [mqtt]
        url = "mqtts://broker.acme.example:8883"
        ca_file = "tls/ca.pem"
        [outputs.relay]
        line = 17
        [inputs.contact]
        line = 22
        role = "door_contact"
        [doors.gate]
        zone = "site"
        relay = "relay"
        contact = "contact"
        fail_mode = "safe"
        [readers.gate-in]
        type = "nfc"
        connection = "pn532_uart:/dev/ttyUSB0"
        door = "gate"
        [readers.cp-north]
        type = "simulated"
        checkpoint = "north"
        """

    func problems(_ text: String) -> [ConfigProblem] {
        do {
            _ = try GatehouseConfig.parse(toml: text, file: "gatehouse.toml")
            return []
        } catch {
            return error.problems
        }
    }

    @Test("[outbox] and the link's keys: defaults, a high-water mark that follows the maximum, and problems named by key")
    func outboxAndLink() throws {
        let defaults = try GatehouseConfig.parse(toml: Self.valid, file: "gatehouse.toml")
        #expect(defaults.outbox == GatehouseConfig.Outbox(maximumEvents: 1_000_000, highWater: 800_000, retentionHours: 168))
        #expect(defaults.mqtt?.window == 256 && defaults.mqtt?.reconnectMaximumSeconds == 60)
        let small = try GatehouseConfig.parse(toml: Self.valid + "\n[outbox]\nmax_events = 5000\n", file: "gatehouse.toml")
        #expect(small.outbox.highWater == 4000)
        let wrong = problems(Self.valid + "\n[outbox]\nmax_events = 5000\nhigh_water = 6000\nkeep = 1\n")
        #expect(wrong.contains { $0.key == "outbox.high_water" && $0.message.contains("below max_events (5000)") })
        #expect(wrong.contains { $0.key.contains("keep") })
        #expect(problems(Self.valid.replacingOccurrences(of: "ca_file = \"tls/ca.pem\"", with: "window = 0")).contains { $0.key == "mqtt.window" })
    }

    @Test("doors and lines: a relay rests as its door's fail mode says, a buzzer, a debounce within 400 ms, control.group")
    func doorsAndLines() throws {
        let config = try GatehouseConfig.parse(toml: Self.valid + "\n[control]\ngroup = \"gatehouse-ops\"\n", file: "gatehouse.toml")
        #expect(config.outputs.first?.safeState == .active, "the fail-safe gate's relay rests active when the daemon is not running")
        #expect(config.runningState(of: try #require(config.outputs.first)) == false, "and locked while it runs")
        #expect(config.control.group == "gatehouse-ops" && config.doors(watching: "contact").map(\.id) == ["gate"])
        let contradicted = problems(Self.valid.replacingOccurrences(of: "line = 17", with: "line = 17\nsafe_state = \"inactive\""))
        #expect(contradicted.map(\.key) == ["outputs.relay.safe_state"])
        #expect(contradicted.first?.message.contains("contradicts doors.gate.fail_mode \"safe\"") == true)
        #expect(problems(Self.valid.replacingOccurrences(of: "contact = \"contact\"", with: "buzzer = \"horn\"")).map(\.key) == ["doors.gate.buzzer"])
        #expect(problems(Self.valid.replacingOccurrences(of: "role = \"door_contact\"", with: "role = \"door_contact\"\ndebounce_ms = 500")).map(\.key) == ["inputs.contact.debounce_ms"])
        #expect(problems(Self.valid + "\n[control]\ngroup = \"a b\"\n").map(\.key) == ["control.group"])
        let shared = Self.valid + "\n[doors.side]\nzone = \"site\"\nrelay = \"relay\"\n"
        #expect(problems(shared).map(\.key) == ["doors.side.fail_mode"], "two doors on one relay, fail-safe and fail-secure")
        #expect(problems(Self.valid + "\n[patrol]\nhistory_days = 0\n").map(\.key) == ["patrol.history_days"])
        #expect(problems(Self.valid.replacingOccurrences(of: "checkpoint = \"north\"", with: "checkpoint = \"north\"\nfeedback = \"led\"")).map(\.key) == ["readers.cp-north.feedback"])
    }

    @Test("an NFC reader's card_security, its file mode and NTAG 424 check, and the secrets file's card master keys")
    func cardSecurity() throws {
        let connection = "connection = \"pn532_uart:/dev/ttyUSB0\""
        func security(_ extra: String) throws -> ReaderConfig.CardSecurity? {
            try GatehouseConfig.parse(toml: Self.valid.replacingOccurrences(of: connection, with: connection + "\n" + extra), file: "gatehouse.toml").reader("gate-in")?.cardSecurity
        }
        #expect(try security("") == .uid)
        #expect(try security("card_security = \"desfire\"") == .desfire(fullFileMode: true))
        #expect(try security("card_security = \"desfire\"\nfile_mode = \"mac\"") == .desfire(fullFileMode: false))
        #expect(try security("card_security = \"ntag424\"") == .ntag424(sun: false))
        #expect(try security("card_security = \"ntag424\"\nntag424_check = \"sun\"") == .ntag424(sun: true))
        func keys(_ extra: String) -> [String] { problems(Self.valid.replacingOccurrences(of: connection, with: connection + "\n" + extra)).map(\.key) }
        #expect(keys("card_security = \"mifare\"") == ["readers.gate-in.card_security"])
        #expect(keys("card_security = \"desfire\"\nntag424_check = \"sun\"") == ["readers.gate-in.ntag424_check"])
        #expect(keys("file_mode = \"mac\"") == ["readers.gate-in.file_mode"])

        let secrets = try DeviceSecrets.parse(toml: "[card_master_keys]\n1 = \"000102030405060708090a0b0c0d0e0f\"\n2 = \"101112131415161718191a1b1c1d1e1f\"\n", file: "secrets.toml")
        #expect(secrets.cardMasterKeys.keys.sorted() == [1, 2])
        #expect(!"\(secrets)".contains("0001") && "\(secrets)".contains("[1, 2]"))
        do {
            _ = try DeviceSecrets.parse(toml: "[card_master_keys]\n0 = \"00\"\nv2 = \"000102030405060708090a0b0c0d0e0f\"\n", file: "secrets.toml")
            Issue.record("bad card keys accepted")
        } catch {
            #expect(error.problems.map(\.key) == ["card_master_keys.0", "card_master_keys.v2"])
        }
    }

    @Test("parses a valid file into the typed model, with defaults")
    func parsesValid() throws {
        let config = try GatehouseConfig.parse(toml: Self.valid, file: "gatehouse.toml")
        #expect(config.site == "acme" && config.device == "gate-01")
        #expect(config.mqtt?.host == "broker.acme.example" && config.mqtt?.port == 8883 && config.mqtt?.usesTLS == true)
        #expect(config.door("gate")?.failMode == .safe && config.door("gate")?.pulseMilliseconds == 3000)
        #expect(config.reader("gate-in")?.source == .nfc(connection: "pn532_uart:/dev/ttyUSB0", pollMilliseconds: 50))
        #expect(config.reader("gate-in")?.repeatAfterSeconds == nil)
        let tuned = try GatehouseConfig.parse(
            toml: Self.valid.replacingOccurrences(of: "connection = \"pn532_uart:/dev/ttyUSB0\"", with: "connection = \"pn532_uart:/dev/ttyUSB0\"\npoll_ms = 100\nrepeat_after_s = 5"),
            file: "gatehouse.toml")
        #expect(tuned.reader("gate-in")?.source == .nfc(connection: "pn532_uart:/dev/ttyUSB0", pollMilliseconds: 100))
        #expect(tuned.reader("gate-in")?.repeatAfterSeconds == 5)
        #expect(config.reader("cp-north")?.door == nil && config.reader("cp-north")?.checkpoint == "north")
        #expect(config.outputs.first?.address == GPIOLineAddress(chip: "gpiochip0", line: 17, activeLow: false))
        #expect(config.policy.clockSkewSeconds == 60)
        let resolved = config.resolvingPaths(relativeTo: "/etc/gatehouse")
        #expect(resolved.database == "/etc/gatehouse/state/gatehouse.sqlite" && resolved.mqtt?.caFile == "/etc/gatehouse/tls/ca.pem")
    }

    @Test("reads a camera's capture and decoding settings, and a scanner's line settings")
    func readsCameraAndScanner() throws {
        let text = Self.valid.replacingOccurrences(
            of: "type = \"simulated\"",
            with: "type = \"camera\"\ndevice = \"/dev/video0\"\nwidth = 1280\nheight = 720\nfps = 10\ndensity = 2\nregion = [320, 180, 640, 360]")
        var settings = ReaderConfig.CameraSettings()
        (settings.width, settings.height, settings.framesPerSecond, settings.density, settings.region) = (1280, 720, 10, 2, [320, 180, 640, 360])
        #expect(try GatehouseConfig.parse(toml: text, file: "gatehouse.toml").reader("cp-north")?.source == .camera(device: "/dev/video0", settings))
        let scanner = Self.valid.replacingOccurrences(of: "type = \"simulated\"", with: "type = \"serial\"\ndevice = \"/dev/ttyACM0\"\nbaud = 115200\nterminator = \"crlf\"")
        #expect(try GatehouseConfig.parse(toml: scanner, file: "gatehouse.toml").reader("cp-north")?.source == .serial(device: "/dev/ttyACM0", baudRate: 115_200, terminator: .crlf))
    }

    @Test("reports a TOML syntax error with its line")
    func syntaxErrorHasLine() {
        let found = problems("site = \"acme\"\ndevice = \n")
        #expect(found.count == 1)
        #expect(found.first?.line == 2)
        #expect(found.first?.description.hasPrefix("gatehouse.toml:2: TOML syntax") == true)
    }

    @Test(
        "names the file, the key and what was expected",
        arguments: [
            ("device = \"gate-01\"", "device = \"gate 01\"", "device", "expected an id"),
            ("device = \"gate-01\"", "device = \"all\"", "device", "reserved"),
            ("site = \"acme\"", "site = 7", "site", "expected a string, got an integer"),
            ("[trust]", "[trustee]", "trustee", "unknown key"),
            ("invite_keys = \"keys/invite.jwks\"", "invite_keys = \"keys/bundle.jwks\"", "trust", "three different files"),
            ("url = \"mqtts://broker.acme.example:8883\"", "url = \"http://broker\"", "mqtt.url", "mqtt://HOST:PORT"),
            ("relay = \"relay\"", "relay = \"relay-2\"", "doors.gate.relay", "not an output"),
            ("role = \"door_contact\"", "role = \"tamper\"", "doors.gate.contact", "expected \"door_contact\""),
            ("door = \"gate\"", "door = \"gatx\"", "readers.gate-in.door", "not a door"),
            ("fail_mode = \"safe\"", "fail_mode = \"open\"", "doors.gate.fail_mode", "expected one of \"secure\", \"safe\""),
            ("line = 22", "line = 17", "inputs.contact", "which outputs.relay uses"),
            ("connection = \"pn532_uart:/dev/ttyUSB0\"", "", "readers.gate-in.connection", "is required"),
            ("connection = \"pn532_uart:/dev/ttyUSB0\"", "connection = \"/dev/ttyUSB0\"", "readers.gate-in.connection", "libnfc connection string"),
            ("type = \"simulated\"", "type = \"keyboard\"\ndevice = \"/dev/input/event3\"\nlayout = \"fr\"", "readers.cp-north.layout", "expected one of \"us\", \"de\""),
            ("type = \"simulated\"", "type = \"serial\"\ndevice = \"/dev/ttyACM0\"\nbaud = 12345", "readers.cp-north.baud", "expected one of 1200"),
            ("type = \"simulated\"", "type = \"camera\"\ndevice = \"/dev/video0\"\nregion = [0, 0, 0, 240]", "readers.cp-north.region", "[x, y, width, height]"),
            ("type = \"simulated\"", "type = \"camera\"\ndevice = \"/dev/video0\"\nframes = \"/srv/frames\"", "readers.cp-north.frames", "not both"),
            (
                "[readers.cp-north]", "[readers.gate-2]\ntype = \"nfc\"\nconnection = \"pn532_uart:/dev/ttyUSB0\"\ndoor = \"gate\"\n\n[readers.cp-north]",
                "readers.gate-in.connection", "is readers.gate-2's already"
            ),
            ("connection = \"pn532_uart:/dev/ttyUSB0\"", "connection = \"pn532_uart:/dev/ttyUSB0\"\npoll_ms = 5", "readers.gate-in.poll_ms", "from 10 to 1000"),
            ("connection = \"pn532_uart:/dev/ttyUSB0\"", "connection = \"pn532_uart:/dev/ttyUSB0\"\nrepeat_after_s = -1", "readers.gate-in.repeat_after_s", "from 0 to 86400"),
            ("checkpoint = \"north\"", "", "readers.cp-north", "set `door` or `checkpoint`"),
            ("zone = \"site\"", "zone = \"site\"\nheld_open_s = 0", "doors.gate.held_open_s", "from 1 to 3600"),
        ])
    func namesTheProblem(_ original: String, _ replacement: String, _ key: String, _ words: String) {
        let found = problems(Self.valid.replacingOccurrences(of: original, with: replacement))
        #expect(found.contains { $0.key == key && $0.message.contains(words) && $0.file == "gatehouse.toml" }, "\(found)")
    }

    @Test("reports every problem, not just the first")
    func reportsAll() {
        let text = Self.valid.replacingOccurrences(of: "site = \"acme\"", with: "site = \"a b\"\ncolour = \"red\"")
            .replacingOccurrences(of: "door = \"gate\"", with: "door = \"nowhere\"")
        let keys = Set(problems(text).map(\.key))
        #expect(keys.isSuperset(of: ["site", "colour", "readers.gate-in.door"]))
    }

    @Test("reads broker URLs", arguments: [
        ("mqtt://127.0.0.1:1883", "127.0.0.1", 1883, false), ("mqtts://broker:8883", "broker", 8883, true),
        ("mqtt://broker", "broker", 1883, false), ("mqtts://[::1]:9000", "::1", 9000, true),
    ])
    func readsURLs(_ url: String, _ host: String, _ port: Int, _ tls: Bool) throws {
        let parsed = try #require(MQTTConfig.parseURL(url))
        #expect(parsed.host == host && parsed.port == port && parsed.usesTLS == tls)
    }
}
