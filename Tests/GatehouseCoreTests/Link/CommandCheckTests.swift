import GatehouseAdmin
import GatehouseCore
import GatehouseTesting
import Testing

@Suite("Command checks (protocol section 6)")
struct CommandCheckTests {
    static let keys = TestKeys(kid: "cmd-1", purpose: .command)
    static let now = Timestamp(millisecondsSinceEpoch: 1_790_000_000_000)
    let check = CommandCheck(site: "acme", device: "gate-01", clockSkewSeconds: 60, doors: ["gate"])

    func token(_ cmd: String = "open", aud: String = "acme/gate-01", jti: String = "c-1", iat: Int64 = 1_790_000_000, life: Int64 = 60, args: [String: JSONArgument] = ["door": .string("gate")], key: SigningKey = keys.key) async throws -> String {
        try await key.sign(CommandClaims(aud: Audience([aud]), jti: jti, iat: Double(iat), exp: Double(iat + life), sub: "ops", cmd: cmd, args: args))
    }

    func verify(_ token: String, topic: String = "open") -> Result<RemoteCommand, CommandRefusal> {
        check.verify(token, topicName: topic, trust: Self.keys.trust, now: Self.now)
    }

    func reason(_ result: Result<RemoteCommand, CommandRefusal>) -> CommandRefusalReason? {
        if case .failure(let refusal) = result { refusal.reason } else { nil }
    }

    @Test("each command with good arguments passes, for the device or for the whole site")
    func accepted() async throws {
        #expect(try verify(await token()).get().action == .open(door: "gate", durationMilliseconds: nil))
        #expect(try verify(await token(args: ["door": .string("gate"), "duration_ms": .integer(1500)])).get().action == .open(door: "gate", durationMilliseconds: 1500))
        #expect(try verify(await token("mode", aud: "acme", args: ["mode": .string("lockdown")]), topic: "mode").get().action == .mode(DeviceMode(.lockdown)))
        #expect(try verify(await token("mode", args: ["mode": .string("evacuation"), "zones": .strings(["lab"])]), topic: "mode").get().action == .mode(DeviceMode(.evacuation, zones: ["lab"])))
        for name in ["muster", "resync", "ping"] {
            let command = try verify(await token(name, args: [:]), topic: name).get()
            #expect(command.name == name && command.id == "c-1" && command.orderedBy == "ops")
        }
    }

    @Test("every refusal reason but replayed (the store's), each with the jti when it could be read")
    func refusals() async throws {
        let stranger = try SigningKey.generate(kid: "cmd-2")
        let impostor = try SigningKey.generate(kid: "cmd-1")
        let inviteKey = TestKeys(kid: "invite-1", purpose: .invite)
        let cases: [(String, String, CommandRefusalReason)] = [
            (try await token(key: impostor), "open", .badSignature),
            (try await token(key: stranger), "open", .unknownKey),
            (try await token(key: inviteKey.key), "open", .unknownKey),
            (try await token(aud: "other-site"), "open", .wrongAudience),
            (try await token(aud: "acme/gate-02"), "open", .wrongAudience),
            (try await token(iat: 1_790_000_000 - 200, life: 100), "open", .expired),
            (try await token(iat: 1_790_000_000 + 120), "open", .notYetValid),
            (try await token(life: 301), "open", .malformed),
            (try await token(jti: "has spaces"), "open", .malformed),
            ("not.a.jwt", "open", .malformed),
            (try await token("reboot", args: [:]), "reboot", .unknownCommand),
            (try await token(), "mode", .malformed),
            (try await token(args: ["door": .string("back-door")]), "open", .badArgs),
            (try await token(args: [:]), "open", .badArgs),
            (try await token(args: ["door": .string("gate"), "duration_ms": .integer(10_000_000)]), "open", .badArgs),
            (try await token("mode", args: ["mode": .string("party")]), "mode", .badArgs),
            (try await token("ping", args: ["loud": .bool(true)]), "ping", .badArgs),
        ]
        for (token, topic, expected) in cases {
            let result = verify(token, topic: topic)
            #expect(reason(result) == expected, "\(expected.rawValue): got \(result)")
        }
        if case .failure(let refusal) = verify(try await token(aud: "other-site")) { #expect(refusal.id == "c-1") }
        #expect(Set(cases.map(\.2)).union([.replayed]) == Set(CommandRefusalReason.allCases))
    }

    @Test("the skew allows a minute either way")
    func skew() async throws {
        #expect(try verify(await token(iat: 1_790_000_000 + 50)).get().id == "c-1")
        #expect(try verify(await token(iat: 1_790_000_000 - 100, life: 50)).get().id == "c-1")
    }
}

@Suite("Topics, link messages and reconnect back-off")
struct LinkBasicsTests {
    let topics = DeviceTopics(site: "acme", device: "gate-01")

    @Test("the contract's topics, and what arrives on them")
    func topicNames() {
        #expect(topics.status == "gatehouse/v1/acme/gate-01/status")
        #expect(topics.events(.accessGranted) == "gatehouse/v1/acme/gate-01/events/access")
        #expect(topics.events(.alarmOutboxHigh) == "gatehouse/v1/acme/gate-01/events/alarm")
        #expect(topics.subscriptions.contains("gatehouse/v1/acme/all/cmd/+"))
        #expect(topics.classify("gatehouse/v1/acme/all/bundle") == .bundle(siteWide: true))
        #expect(topics.classify("gatehouse/v1/acme/gate-01/bundle") == .bundle(siteWide: false))
        #expect(topics.classify("gatehouse/v1/acme/gate-01/cmd/open") == .command(name: "open", siteWide: false))
        #expect(topics.classify("gatehouse/v1/acme/gate-02/cmd/open") == nil)
        #expect(topics.classify("gatehouse/v1/acme/gate-01/cmd/") == nil)
    }

    @Test("status, ack and snapshot request are the contract's JSON")
    func messages() throws {
        let time = Timestamp(millisecondsSinceEpoch: 1_790_000_000_123)
        #expect(LinkMessage.status(online: true, at: time, software: "1.0", bundle: 7, mode: .normal)
            == #"{"state":"online","ts":"2026-09-21T14:13:20.123Z","software":"1.0","bundle":7,"mode":"normal","clock":"ok","features":["authenticated_cards","card","clock_floor","mustering","pin","two_person"]}"#)
        #expect(LinkMessage.ack(for: .cmd, id: .string("c-1"), result: .rejected, reason: "replayed", version: nil, at: time)
            == #"{"for":"cmd","id":"c-1","result":"rejected","reason":"replayed","version":null,"ts":"2026-09-21T14:13:20.123Z"}"#)
        #expect(LinkMessage.snapshotRequest(have: nil, reason: .noPolicy) == #"{"want":"snapshot","have":0,"reason":"no_policy"}"#)
    }

    @Test("back-off doubles up to its maximum, jittered into the upper half, and resets")
    func backoff() {
        var backoff = ReconnectBackoff(initialMilliseconds: 100, maximumMilliseconds: 1000)
        var random = SeededGenerator(state: 7)
        var ceilings: [Int64] = []
        for _ in 0..<6 {
            let ceiling = backoff.ceiling
            let delay = backoff.nextDelay(using: &random)
            #expect(delay >= ceiling / 2 && delay <= ceiling)
            ceilings.append(ceiling)
        }
        #expect(ceilings == [100, 200, 400, 800, 1000, 1000])
        backoff.reset()
        #expect(backoff.ceiling == 100)
    }
}
