import Foundation
import GatehouseCore
import GatehouseTesting
import Testing

/// PINs and duress (contract 7.2) through the access machine: a vault door whose zone requires
/// a PIN, a reader with an LED and a beeper, people with and without PINs.
@Suite struct PINTests {
    static let toml = """
        site = "acme"
        device = "gate-01"
        database = "state/gatehouse.sqlite"
        [trust]
        bundle_keys = "keys/bundle.jwks"
        invite_keys = "keys/invite.jwks"
        command_keys = "keys/command.jwks"
        [pin]
        timeout_s = 15
        attempts = 3
        lockout_s = 300
        [outputs.vault-relay]
        line = 1
        [outputs.vault-led]
        line = 2
        [outputs.vault-beeper]
        line = 3
        [doors.vault]
        zone = "vault"
        relay = "vault-relay"
        [readers.vault-in]
        type = "simulated"
        door = "vault"
        led = "vault-led"
        beeper = "vault-beeper"
        [readers.vault-out]
        type = "simulated"
        door = "vault"
        direction = "out"
        """
    /// A key of bytes 0 to 31; the hashes below were made with Python's hmac module.
    static let key = PINKey(bytes: Array(0..<32))!
    static let anna1234 = "bcecc06c46c1f15c3437ca40a6de1573c41053d021644b83cf8e6443c30a1c85"
    static let anna9999 = "a1c4acd8507777c0e561d58d0be55bf0cf2d92fefb666ba948f2ed991e6b4795"
    static let bob5678 = "febb29c09eee15b5fb416681856cb4f41efaa720f4334b315fbb720dd72f8407"
    static let annaCard = "0A0A0A0A", bobCard = "0B0B0B0B"
    static let start = Moment(wall: Timestamp(rfc3339: "2026-03-02T09:00:00Z")!, monotonic: 5_000_000)

    var machine: AccessMachine
    var policy = MemoryPolicy()
    var now = start

    init(pinKey: PINKey? = PINTests.key, extra: String = "") throws {
        let config = try GatehouseConfig.parse(toml: Self.toml + extra, file: "gatehouse.toml")
        let secrets = DeviceSecrets(pinKey: pinKey)
        machine = AccessMachine(
            settings: AccessSettings(config: config, inviteKeys: TestKeys(kid: "i", purpose: .invite).trust, timeZones: TimeZoneCatalog(), secrets: secrets),
            state: RuntimeState())
        policy.zones["vault"] = Zone(id: "vault", level: .high_security, requires: .init(pin: true))
        policy.add(Person(id: "anna", kind: .employee, pin: Self.anna1234, duressPin: Self.anna9999), uid: Self.annaCard, zones: ["vault"])
        policy.add(Person(id: "bob", kind: .employee, pin: Self.bob5678), uid: Self.bobCard, zones: ["vault"])
    }

    @discardableResult
    mutating func feed(_ input: AccessInput, after milliseconds: Int64 = 0) -> AccessStep {
        now = now.adding(milliseconds: milliseconds)
        return machine.run(input, at: now, policy: policy)
    }

    @discardableResult
    mutating func tap(_ uid: String, at reader: String = "vault-in", after milliseconds: Int64 = 0) -> AccessStep {
        feed(.presented(reader: reader, .credential(format: .uid, value: uid)), after: milliseconds)
    }

    @discardableResult
    mutating func keys(_ keys: String, at reader: String = "vault-in", after milliseconds: Int64 = 500) -> AccessStep {
        feed(.keyed(reader: reader, keys: keys), after: milliseconds)
    }

    @Test func theKeyedHashIsTheContractsHMAC() {
        #expect(Self.key.hash(site: "acme", person: "anna", digits: "1234") == Self.anna1234)
        #expect(Self.key.matches(Self.anna1234, site: "acme", person: "anna", digits: "1234"))
        #expect(!Self.key.matches(Self.anna1234, site: "acme", person: "anna", digits: "1235"))
        #expect(!Self.key.matches(Self.anna1234, site: "other", person: "anna", digits: "1234"))
        #expect("\(Self.key)" == "PINKey(hidden)")
    }

    @Test mutating func aCardThenItsPINOpensTheDoor() throws {
        let asked = tap(Self.annaCard)
        guard case .pinWanted(let request, let provisional) = asked.reply else { Issue.record("no PIN asked: \(asked.reply)"); return }
        #expect(request.reader == "vault-in" && provisional.person == "anna")
        #expect(asked.events.isEmpty, "nothing is stored until the PIN decides")
        #expect(asked.outputs == [.hold("vault-led", active: true), .pulse("vault-beeper", milliseconds: 50)])
        #expect(!asked.outputs.contains(.pulse("vault-relay", milliseconds: 3000)))
        #expect(keys("12").reply == .pinTyping(reader: "vault-in", digits: 2))
        let granted = keys("34#")
        #expect(granted.decision?.reason == .granted)
        #expect(granted.types == [.accessGranted])
        #expect(granted.outputs.contains(.pulse("vault-relay", milliseconds: 3000)))
        #expect(granted.outputs.contains(.pulse("vault-led", milliseconds: 1500)))
        // No line of the log carries the digits.
        #expect(!granted.notes.contains { note in note.metadata.values.contains { $0.contains("1234") } })
    }

    @Test mutating func aWrongPINIsDeniedAndThreeLockTheCredential() throws {
        for attempt in 1...3 {
            tap(Self.annaCard, after: 1000)
            let denied = keys("0000#")
            #expect(denied.decision?.reason == .pinWrong)
            #expect(denied.outputs.contains(.pulse("vault-beeper", milliseconds: 600)))
            let alarms = denied.events.filter { $0.type == .alarmRepeatedDenials }
            #expect(alarms.count == (attempt == 3 ? 1 : 0))
            if attempt == 3, let alarm = alarms.first {
                #expect(denied.types == [.accessDenied, .alarmRepeatedDenials], "the access event first")
                #expect(alarm.data["reason"] == .string("pin_wrong"))
                #expect(alarm.data["count"] == .integer(3))
            }
        }
        // Locked: refused at once, the right PIN not even asked for.
        let locked = tap(Self.annaCard, after: 1000)
        #expect(locked.decision?.reason == .pinWrong)
        #expect(locked.decision?.needsPIN == false)
        #expect(locked.types == [.accessDenied])
        // Another person's card is not locked.
        guard case .pinWanted = tap(Self.bobCard, after: 1000).reply else { Issue.record("bob's card was locked too"); return }
        // After lockout_s the credential may try again, and the right PIN opens.
        guard case .pinWanted = tap(Self.annaCard, after: 300_000).reply else { Issue.record("still locked after lockout_s"); return }
        #expect(keys("1234#").decision?.reason == .granted)
    }

    @Test mutating func aRightPINForgetsEarlierWrongOnes() {
        for _ in 1...2 {
            tap(Self.annaCard, after: 1000)
            keys("0000#")
        }
        tap(Self.annaCard, after: 1000)
        #expect(keys("1234#").decision?.reason == .granted)
        for _ in 1...2 {
            tap(Self.annaCard, after: 1000)
            #expect(keys("0000#").events.allSatisfy { $0.type != .alarmRepeatedDenials })
        }
    }

    @Test mutating func noPINInTimeIsATimeout() {
        tap(Self.annaCard)
        #expect(feed(.tick, after: 14_000).events.isEmpty)
        let timedOut = feed(.tick, after: 1000)
        #expect(timedOut.types == [.accessDenied])
        #expect(timedOut.events.first?.data["reason"] == .string("pin_timeout"))
        #expect(timedOut.outputs.contains(.hold("vault-led", active: false)))
        // The keys that come afterwards find nothing waiting.
        guard case .refused = keys("1234#").reply else { Issue.record("late keys were taken"); return }
    }

    @Test mutating func aDuressPINGrantsAndRaisesASilentAlarmInTheSameStep() {
        tap(Self.annaCard)
        let normal = keys("1234#").outputs
        tap(Self.annaCard, after: 60_000)
        let duress = keys("9999#")
        #expect(duress.decision?.reason == .granted)
        #expect(duress.types == [.accessGranted, .alarmDuress])
        #expect(duress.events[1].data["person"] == .string("anna"))
        #expect(duress.events[1].data["door"] == .string("vault"))
        // The reader and the door do exactly what a normal grant does.
        #expect(duress.outputs == normal)
    }

    @Test mutating func aPersonWithoutAPINIsDeniedPINMissing() {
        policy.persons["bob"]?.pin = nil
        let step = tap(Self.bobCard)
        #expect(step.decision?.reason == .pinMissing)
    }

    @Test func withoutAPINKeyNoPINCanBeChecked() throws {
        var scenario = try PINTests(pinKey: nil)
        scenario.tap(Self.annaCard)
        let step = scenario.keys("1234#")
        #expect(step.decision?.reason == .pinMissing)
        #expect(step.notes.contains { $0.level == .error && $0.message.contains("no PIN key") })
    }

    @Test mutating func anExitNeedsNoPIN() {
        tap(Self.annaCard)
        keys("1234#")
        #expect(tap(Self.annaCard, at: "vault-out", after: 60_000).decision?.reason == .granted)
    }

    @Test mutating func starClearsAndAFixedLengthNeedsNoHash() throws {
        tap(Self.annaCard)
        keys("99*")
        // A `#` before any digit is ignored, not counted as a wrong PIN.
        #expect(keys("#").reply == .pinTyping(reader: "vault-in", digits: 0))
        #expect(keys("1234#").decision?.reason == .granted)
        var fixed = try PINTests(extra: "")
        fixed.machine = AccessMachine(
            settings: AccessSettings(
                config: try GatehouseConfig.parse(toml: Self.toml.replacingOccurrences(of: "lockout_s = 300", with: "lockout_s = 300\nlength = 4"), file: "g.toml"),
                inviteKeys: TestKeys(kid: "i", purpose: .invite).trust, timeZones: TimeZoneCatalog(), secrets: DeviceSecrets(pinKey: Self.key)),
            state: RuntimeState())
        fixed.tap(Self.annaCard)
        #expect(fixed.keys("123").reply == .pinTyping(reader: "vault-in", digits: 3))
        #expect(fixed.keys("4").decision?.reason == .granted)
    }

    @Test mutating func keysWithNoCredentialWaitingAreRefused() {
        guard case .refused = keys("1234#").reply else { Issue.record("a PIN alone was taken"); return }
    }

    @Test mutating func aSecondCardAtTheReaderEndsTheFirstWait() {
        tap(Self.annaCard)
        let second = tap(Self.bobCard, after: 2000)
        #expect(second.types == [.accessDenied])
        #expect(second.events.first?.data["person"] == .string("anna"))
        #expect(second.events.first?.data["reason"] == .string("pin_timeout"))
        guard case .pinWanted(_, let decision) = second.reply else { Issue.record("bob was not asked"); return }
        #expect(decision.person == "bob")
    }
}
