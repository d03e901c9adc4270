import GatehouseAdmin
import GatehouseCore
import GatehouseTesting
import Testing

@Suite("The access machine: decisions, passages, doors, modes, patrol and commands, in sequence")
struct AccessMachineTests {
    @Test("start: system.started first; doors at rest stay so; a restart in an evacuation holds the fail-safe doors open again")
    func started() throws {
        var s = try AccessScenario()
        let step = s.feed(.started(software: "test"))
        #expect(step.types == [.systemStarted] && step.outputs.isEmpty)
        var evacuating = try AccessScenario(state: RuntimeState(mode: DeviceMode(.evacuation)))
        let restart = evacuating.feed(.started(software: "test"))
        #expect(restart.types == [.systemStarted] && Set(restart.outputs.map { "\($0)" }) == ["hold(\"turnstile-relay\", active: true)", "hold(\"exit-relay\", active: true)"])
    }

    @Test("each decision case at a door without sensors: the grant counts at once, denials change nothing, a streak raises one alarm")
    func decisions() throws {
        var s = try AccessScenario()
        let granted = s.tap(AccessScenario.anna, at: "gate-in")
        #expect(granted.decision?.reason == .granted && granted.types == [.accessGranted])
        #expect(granted.outputs == [.pulse("gate-relay", milliseconds: 3000)])
        #expect(s.isInside("anna", "site"), "no contact at the gate: the grant is the passage")
        #expect(s.feed(.tick, after: 5000).events.isEmpty, "and no no_passage follows it")
        #expect(s.tap(AccessScenario.eve, at: "gate-in").decision?.reason == .noGrant)
        #expect(s.tap("DEADBEEF", at: "gate-in").decision?.reason == .unknownCredential)
        let third = s.tap("DEADBEEF", at: "gate-in")
        #expect(third.types == [.accessDenied, .alarmRepeatedDenials] && third.outputs.isEmpty)
        #expect(s.tap("DEADBEEF", at: "gate-in").types == [.accessDenied], "one alarm per streak")
        #expect(s.tap(AccessScenario.anna, at: "nowhere").reply == .unknownReader("nowhere"))
        #expect(!s.isInside("eve", "site"))
    }

    @Test("a door with a contact: the person is counted inside when it opens, not at the grant")
    func passageAtDoor() throws {
        var s = try AccessScenario()
        let grant = s.tap(AccessScenario.anna, at: "lab-in")
        #expect(grant.decision?.reason == .granted && !grant.effects.contains(where: \.waitsForPassage) && !s.isInside("anna", "lab"))
        let opened = s.input("lab-contact", true, after: 1200)
        #expect(opened.types == [.accessPassage] && s.isInside("anna", "lab"))
        #expect(opened.events[0].data["person"] == .string("anna"))
        s.input("lab-contact", false, after: 2000)
        #expect(s.tap(AccessScenario.anna, at: "lab-in", after: 500).decision?.reason == .antiPassback, "inside: hard anti-passback")
        // Out again: counted out when the door opens.
        #expect(s.tap(AccessScenario.anna, at: "lab-out", after: 500).decision?.reason == .granted && s.isInside("anna", "lab"))
        #expect(s.input("lab-contact", true, after: 800).types == [.accessPassage] && !s.isInside("anna", "lab"))
    }

    @Test("a grant nobody walks through: no_passage, not inside, not on the muster list, and the next try is let in")
    func noPassage() throws {
        var s = try AccessScenario()
        s.tap(AccessScenario.anna, at: "lab-in")
        #expect(s.feed(.tick, after: 2999).events.isEmpty)
        let unused = s.feed(.tick, after: 1)
        #expect(unused.types == [.accessNoPassage] && unused.effects.isEmpty)
        #expect(!s.isInside("anna", "lab") && s.machine.state.headcount["lab"] == nil)
        let muster = s.feed(.musterRequested(origin: "cli:root"))
        #expect(muster.types == [.emergencyMuster] && muster.events[0].data["total"] == .integer(0))
        #expect(s.tap(AccessScenario.anna, at: "lab-in", after: 100).decision?.reason == .granted, "never inside, so no anti-passback")
    }

    @Test("a turnstile with a rotation sensor counts at the turn; an unused grant counts nothing; a free turn is forced")
    func turnstile() throws {
        var s = try AccessScenario()
        s.tap(AccessScenario.anna, at: "turnstile-in")
        #expect(!s.isInside("anna", "plant"))
        #expect(s.input("turn", true, after: 700).types == [.accessPassage] && s.isInside("anna", "plant"))
        s.input("turn", false, after: 100)
        var t = try AccessScenario()
        t.tap(AccessScenario.anna, at: "turnstile-in")
        #expect(t.feed(.tick, after: 5000).types == [.accessNoPassage] && !t.isInside("anna", "plant"))
        #expect(t.input("turn", true, after: 100).types == [.alarmDoorForced])
    }

    @Test("a door's life: forced, held open with its pre-alarm and alarm, the buzzer silenced on closing, the exit button")
    func doorLife() throws {
        var s = try AccessScenario()
        #expect(s.input("lab-contact", true).types == [.alarmDoorForced])
        #expect(s.feed(.tick, after: 26_999).outputs.isEmpty)
        let pre = s.feed(.tick, after: 1)
        #expect(pre.outputs == [.hold("lab-buzzer", active: true)] && pre.events.isEmpty)
        #expect(s.feed(.tick, after: 3000).types == [.alarmDoorHeld])
        #expect(s.input("lab-contact", false, after: 100).outputs == [.hold("lab-buzzer", active: false)])
        let button = s.input("lab-button", true, after: 100)
        #expect(button.outputs == [.pulse("lab-relay", milliseconds: 3000)] && button.events.isEmpty)
        #expect(s.input("lab-contact", true, after: 500).events.isEmpty, "leaving by the button is not forced")
        #expect(s.input("lid", true).types == [.alarmTamper])
    }

    @Test("the wall clock stepped an hour forward and back: a door's window and its held-open alarm keep their monotonic times")
    func wallClockSteps() throws {
        var s = try AccessScenario()
        s.tap(AccessScenario.anna, at: "lab-in")
        s.stepWallClock(by: 3_600_000)
        #expect(s.feed(.tick, after: 1000).events.isEmpty, "an hour forward on the wall: the grant's window is not over")
        #expect(s.input("lab-contact", true, after: 1000).types == [.accessPassage])
        s.stepWallClock(by: -7_200_000)
        #expect(s.feed(.tick, after: 26_000).outputs.isEmpty, "an hour back: the held-open time is not stretched, nor cut")
        #expect(s.feed(.tick, after: 1000).outputs == [.hold("lab-buzzer", active: true)])
        s.stepWallClock(by: 3_600_000)
        #expect(s.feed(.tick, after: 3000).types == [.alarmDoorHeld])
    }

    @Test("evacuation from the fire alarm: mode_changed and the muster list in one step, fail-safe doors and the turnstile held open, exits counted at the grant")
    func evacuation() throws {
        var s = try AccessScenario()
        s.tap(AccessScenario.anna, at: "gate-in")
        let fire = s.input("fire", true, after: 100)
        #expect(fire.types == [.emergencyModeChanged, .emergencyMuster])
        #expect(fire.events[1].data["total"] == .integer(1) && fire.effects.first == .modeChanged(DeviceMode(.evacuation)))
        #expect(fire.effects.count == 2 && fire.effects.contains { if case .rollCall(let call?) = $0 { call.roll(of: "site").unaccounted == [.person("anna")] } else { false } })
        #expect(fire.outputs.contains(.hold("exit-relay", active: true)) && fire.outputs.contains(.hold("turnstile-relay", active: true)))
        #expect(!fire.outputs.contains { if case .hold("lab-relay", _) = $0 { true } else { false } }, "fail-secure doors stay locked")
        #expect(s.machine.state.mode.kind == .evacuation)
        #expect(s.input("exit-contact", true, after: 100).events.isEmpty, "held open: nothing is forced")
        #expect(s.input("fire", false, after: 100).events.isEmpty, "the alarm at rest does not end the evacuation")
        #expect(s.input("fire", true, after: 100).events.isEmpty, "already evacuating: nothing stored")
        let normal = s.feed(.modeRequested(ModeRequest(.normal), origin: "cli:root"), after: 100)
        #expect(normal.reply == .carriedOut && normal.types == [.emergencyModeChanged])
        #expect(normal.outputs.contains(.hold("exit-relay", active: false)))
        #expect(s.feed(.modeRequested(ModeRequest(.normal), origin: "cli:root")).reply == .unchanged)
    }

    @Test("lockdown: employees refused, the exit button still releases the door")
    func lockdown() throws {
        var s = try AccessScenario()
        #expect(s.feed(.modeRequested(ModeRequest(.lockdown), origin: "cli:root")).reply == .carriedOut)
        #expect(s.tap(AccessScenario.anna, at: "lab-in").decision?.reason == .lockdown)
        #expect(s.input("lab-button", true).outputs == [.pulse("lab-relay", milliseconds: 3000)])
    }

    @Test("a patrol round: the guard's visit at the checkpoint, the reader's feedback, then a missed round an hour later")
    func patrol() throws {
        var s = try AccessScenario()
        let start = s.feed(.started(software: "test"))
        #expect(start.effects.contains { if case .patrolRoundStarted = $0 { true } else { false } })
        let visit = s.tap(AccessScenario.gus, at: "cp-north", after: 600_000)
        #expect(visit.types == [.accessGranted, .patrolVisited] && visit.outputs == [.pulse("cp-led", milliseconds: 300)])
        #expect(s.tap(AccessScenario.anna, at: "cp-north").decision?.reason == .notAGuard)
        var missed: [EventType] = []
        for _ in 0..<3901 { missed += s.feed(.tick, after: 1000).types }
        #expect(missed == [.patrolMissed], "missed once, at every_s + grace_s after the visit")
    }

    @Test("remote commands: an open is a grant with its own event first, a mode, a muster, an unknown door")
    func commands() throws {
        var s = try AccessScenario()
        let expires = Timestamp(rfc3339: "2026-03-02T10:00:00Z")!
        let open = s.feed(.command(RemoteCommand(id: "c1", orderedBy: "ops", expires: expires, action: .open(door: "lab", durationMilliseconds: 1500))))
        #expect(open.reply == .carriedOut && open.outputs == [.pulse("lab-relay", milliseconds: 1500)] && open.types == [.accessGranted])
        #expect(s.input("lab-contact", true, after: 500).types == [.accessPassage], "the remote open's passage, nobody counted")
        #expect(s.machine.state.zonesByOccupant.isEmpty)
        let unknown = s.feed(.command(RemoteCommand(id: "c2", orderedBy: "ops", expires: expires, action: .open(door: "vault", durationMilliseconds: nil))))
        #expect(unknown.reply == .unknownDoor("vault") && unknown.events.isEmpty)
        let mode = s.feed(.command(RemoteCommand(id: "c3", orderedBy: "ops", expires: expires, action: .mode(DeviceMode(.lockdown, zones: ["lab"])))))
        #expect(mode.reply == .carriedOut && mode.types == [.emergencyModeChanged])
        let again = s.feed(.command(RemoteCommand(id: "c4", orderedBy: "ops", expires: expires, action: .mode(DeviceMode(.lockdown, zones: ["lab"])))))
        #expect(again.reply == .unchanged && again.events.isEmpty)
        let muster = s.feed(.command(RemoteCommand(id: "c5", orderedBy: "ops", expires: expires, action: .muster)))
        #expect(muster.types == [.emergencyMuster] && muster.events[0].data["command"] == .string("c5"))
    }

    @Test("a visitor is checked in at the passage, and an unused grant spends no entry of the invite")
    func visitorAtPassage() async throws {
        var s = try AccessScenario()
        let keys = TestKeys(kid: "invite-1", purpose: .invite)
        s.machine = AccessMachine(settings: AccessSettings(config: s.machine.settings.config, inviteKeys: keys.trust, timeZones: TimeZoneCatalog()), state: RuntimeState())
        s.policy.invites["inv-1"] = Invite(
            id: "inv-1", kind: .visitor, host: "anna", zones: ["lab"], validFrom: AccessScenario.start.wall.adding(seconds: -60),
            validUntil: AccessScenario.start.wall.adding(seconds: 3600), ndaSigned: true)
        let token = try await TokenMinter.visitorToken(
            key: keys.key, site: "acme", invite: "inv-1", notBefore: AccessScenario.start.wall.adding(seconds: -60), lifetimeSeconds: 3600, zones: nil)
        let first = s.feed(.presented(reader: "lab-in", .token(token)))
        #expect(first.decision?.reason == .granted && first.types == [.accessGranted])
        #expect(s.feed(.tick, after: 3000).types == [.accessNoPassage])
        #expect(s.machine.state.inviteUses["inv-1"] == nil, "no entry spent")
        s.feed(.presented(reader: "lab-in", .token(token)), after: 100)
        let through = s.input("lab-contact", true, after: 900)
        #expect(through.types == [.accessPassage, .visitorCheckedIn])
        #expect(s.machine.state.inviteUses["inv-1"] == RuntimeState.InviteUse(entries: 1, checkedIn: true))
        #expect(s.machine.state.isInside(.invite("inv-1"), zone: "lab"))
    }

    @Test("a reload takes effect between two inputs; a bundle applied is the one in force, and its expiry raises policy_stale once")
    func reloadAndBundles() throws {
        var s = try AccessScenario()
        var config = s.machine.settings.config
        config.policy.repeatedDenialsThreshold = 1
        s.feed(.reconfigured(AccessSettings(config: config, inviteKeys: TestKeys(kid: "i", purpose: .invite).trust, timeZones: TimeZoneCatalog())))
        #expect(s.tap("DEADBEEF", at: "gate-in").types == [.accessDenied, .alarmRepeatedDenials])
        let expiring = AppliedBundle(version: 7, kind: .snapshot, sha256: "", appliedAt: s.now.wall, expires: s.now.wall.adding(seconds: 2))
        s.policy.applied = expiring  // the cache holds it, as the bundle thread just wrote it
        #expect(s.feed(.bundleApplied(expiring)).events.isEmpty && s.machine.applied?.version == 7)
        var stale: [EventType] = []
        for _ in 0..<5 { stale += s.feed(.tick, after: 1000).types }
        #expect(stale == [.alarmPolicyStale] && s.machine.state.staleAlarmVersion == 7)
    }

    @Test("a bundle applied by another process that said nothing is found in the next read, and taken")
    func bundleFoundInTheCache() throws {
        var s = try AccessScenario()
        s.feed(.started(software: "test"))
        s.policy.applied = AppliedBundle(version: 9, kind: .snapshot, sha256: "", appliedAt: s.now.wall)
        s.tap(AccessScenario.anna, at: "gate-in", after: 10)
        #expect(s.machine.applied?.version == 9 && s.machine.status(at: s.now).bundle == 9)
    }

    @Test("a grant at a door that already stands open is its passage at once: the contact cannot show it")
    func doorAlreadyOpen() throws {
        var s = try AccessScenario()
        s.input("lab-button", true)
        s.input("lab-contact", true, after: 200)  // someone leaves by the button and holds the door
        let grant = s.tap(AccessScenario.anna, at: "lab-in", after: 500)
        #expect(grant.decision?.reason == .granted && grant.types == [.accessGranted, .accessPassage] && s.isInside("anna", "lab"))
        #expect(s.feed(.tick, after: 3000).events.isEmpty, "no window waits for an opening")
        s.input("lab-contact", false, after: 100)
        #expect(s.input("lab-contact", true, after: 100).types == [.alarmDoorForced], "closed, the door is guarded again")
    }

    @Test("a mode change whose events cannot be stored still holds: the doors moved, and a later change finds them so")
    func modeNotStored() throws {
        var s = try AccessScenario()
        let step = s.machine.handle(.modeRequested(ModeRequest(.evacuation), origin: "cli:root"), at: s.now, policy: s.policy)
        #expect(step.outputs.contains(.hold("exit-relay", active: true)))
        s.machine.notStored(step)
        #expect(s.machine.state.mode.kind == .evacuation && s.machine.state.zonesByOccupant.isEmpty)
        let back = s.feed(.modeRequested(ModeRequest(.normal), origin: "cli:root"))
        #expect(back.reply == .carriedOut && back.outputs.contains(.hold("exit-relay", active: false)))
    }

    @Test("a reload that changes a door held open for an evacuation keeps it held; one that moves its relay lets the old one go")
    func reloadDuringEvacuation() throws {
        var s = try AccessScenario()
        s.feed(.modeRequested(ModeRequest(.evacuation), origin: "cli:root"))
        var config = s.machine.settings.config
        let index = try #require(config.doors.firstIndex { $0.id == "fire-exit" })
        config.doors[index].heldOpenSeconds = 60
        let reload = s.feed(.reconfigured(AccessSettings(config: config, inviteKeys: TestKeys(kid: "i", purpose: .invite).trust, timeZones: TimeZoneCatalog())))
        #expect(!reload.outputs.contains(.hold("exit-relay", active: false)) && reload.outputs.contains(.hold("exit-relay", active: true)))
        config.doors[index].relay = "lab-buzzer"
        let moved = s.feed(.reconfigured(AccessSettings(config: config, inviteKeys: TestKeys(kid: "i", purpose: .invite).trust, timeZones: TimeZoneCatalog())))
        #expect(moved.outputs.contains(.hold("exit-relay", active: false)) && moved.outputs.contains(.hold("lab-buzzer", active: true)))
    }

    @Test("effects wait for the store: a step not stored leaves the state as it was")
    func storedOnly() throws {
        var s = try AccessScenario()
        let step = s.machine.handle(.presented(reader: "gate-in", .credential(format: .uid, value: AccessScenario.anna)), at: s.now, policy: s.policy)
        #expect(step.effects.contains(.entered(.person("anna"), zone: "site", at: s.now.wall)) && !s.isInside("anna", "site"))
        s.machine.stored(step)
        #expect(s.isInside("anna", "site"))
    }
}

@Suite("The access machine and a suspect clock")
struct AccessMachineClockTests {
    @Test("a clock behind the floor: clock_suspect once per episode with the system time and the floor, events at the floor, status says suspect; the end of it is stored")
    func suspect() throws {
        var s = try AccessScenario()
        s.feed(.started(software: "test"))
        var behind = s.now.adding(milliseconds: 1000)
        behind.systemBelowFloor = Timestamp(rfc3339: "2020-01-01T00:00:00Z")
        let first = s.machine.run(.presented(reader: "gate-in", .credential(format: .uid, value: AccessScenario.anna)), at: behind, policy: s.policy)
        #expect(first.types == [.accessGranted, .alarmClockSuspect])
        let alarm = try #require(first.events.last)
        #expect(alarm.data["system_time"] == .string("2020-01-01T00:00:00.000Z") && alarm.data["floor"] == .string(behind.wall.rfc3339))
        #expect(first.events.allSatisfy { $0.time == behind.wall })
        #expect(s.machine.state.clockSuspectFloor == behind.wall && s.machine.status(at: behind).clockSuspect)
        #expect(first.notes.contains { $0.level == .warning && $0.metadata["clock.system_time"] == "2020-01-01T00:00:00.000Z" })
        let again = s.machine.run(.tick, at: behind.adding(milliseconds: 5000), policy: s.policy)
        #expect(again.events.isEmpty, "once per episode")

        var restarted = try AccessScenario(state: s.machine.state)
        var later = behind.adding(milliseconds: 60_000)
        later.systemBelowFloor = Timestamp(rfc3339: "2020-01-01T00:01:00Z")
        #expect(!restarted.machine.run(.started(software: "test"), at: later, policy: restarted.policy).types.contains(.alarmClockSuspect), "a restart in the same episode raises nothing new")

        let fixed = restarted.machine.run(.tick, at: Moment(wall: later.wall.adding(seconds: 5), monotonic: later.monotonic + 5000), policy: restarted.policy)
        #expect(fixed.effects == [.clockSuspected(floor: nil)] && fixed.notes.contains { $0.level == .notice })
        #expect(restarted.machine.state.clockSuspectFloor == nil)
        #expect(!restarted.machine.status(at: Moment(wall: later.wall.adding(seconds: 5), monotonic: later.monotonic + 5000)).clockSuspect)
    }
}
