/// The access path as one state machine: the runtime state of a device (occupancy and with it
/// anti-passback, invite use, the mode, each door's machine, denial streaks, patrol rounds, the
/// bundle in force) driven by ``AccessInput``s against a read-only ``PolicyView``, returning an
/// ``AccessStep`` that says what to do: outputs to drive, events and effects to store in one
/// transaction, lines to log, a reply. It does no I/O and reads no clock: each input comes with
/// its ``Moment``.
///
/// The runtime state changes only once the step's effects are stored: the executor calls
/// ``stored(_:)`` after its commit, so the machine never believes what the store does not hold.
/// Door machines and streaks move at once, since the relays they drive have moved.
public struct AccessMachine: Sendable {
    /// How long a reader's feedback output confirms a guard's visit.
    public static let visitFeedbackMilliseconds = 300
    /// How often the policy's freshness and the patrol rounds are looked at, at most.
    public static let housekeepingMilliseconds: Int64 = 1000

    /// A door's machine with the configuration it was made from.
    struct DoorSlot: Sendable {
        var config: DoorConfig
        var machine: DoorMachine<PassageTicket>
    }

    public private(set) var settings: AccessSettings
    /// What the store holds: the mode, occupancy, invite use, patrol rounds.
    public private(set) var state: RuntimeState
    /// The bundle in force, as last applied or read.
    public private(set) var applied: AppliedBundle?
    var streaks: DenialStreaks
    /// The PINs waited for, and the credentials locked out after wrong ones.
    var pinPad: PINPad
    var doors: [String: DoorSlot] = [:]
    /// When housekeeping last ran, on the monotonic clock.
    var lastHousekeeping: Int64?
    /// The roll call's draft and when the muster list was last published.
    var emergency = EmergencyMemory()
    /// The first person of a pair waiting at each two-person door, in memory only.
    var heldFirsts: [String: HeldFirst] = [:]

    /// A machine with the state the store gave back; nothing happens until ``AccessInput/started(software:)``.
    public init(settings: AccessSettings, state: RuntimeState, applied: AppliedBundle? = nil) {
        self.settings = settings
        self.state = state
        self.applied = applied
        streaks = DenialStreaks(threshold: settings.config.policy.repeatedDenialsThreshold)
        pinPad = PINPad(settings: settings.config.pin)
    }

    /// Handles one input at `moment`, reading the cache through `policy` (one read transaction).
    public mutating func handle(_ input: AccessInput, at moment: Moment, policy: some PolicyView) -> AccessStep {
        var step = AccessStep()
        emergency.draft = state.rollCall
        switch input {
        case .started(let software):
            start(software: software, at: moment, policy: policy, into: &step)
        case .presented(let reader, let presentation):
            present(presentation, at: reader, moment: moment, policy: policy, into: &step)
        case .keyed(let reader, let keys):
            keyed(keys, at: reader, moment: moment, policy: policy, into: &step)
        case .inputChanged(let change):
            inputChanged(change, at: moment, into: &step)
        case .tick:
            republishRollCallIfDue(at: moment, into: &step)
        case .remoteMustered(let occupant, let device, let reader):
            remoteMustered(occupant, device: device, reader: reader, at: moment, into: &step)
        case .command(let command):
            carryOut(command, at: moment, policy: policy, into: &step)
        case .modeRequested(let request, let origin):
            step.reply = requestMode(request, by: origin, command: nil, at: moment, policy: policy, into: &step)
        case .musterRequested(let origin):
            step.note(.notice, "muster list requested", ["muster.origin": origin])
            step.events.append(settings.events.muster(state, orderedBy: origin, command: nil, rollCall: emergency.draft, at: moment.wall, id: EventID.make(at: moment.wall)))
            step.reply = .carriedOut
        case .bundleApplied(let bundle):
            noteApplied(bundle, at: moment, into: &step)
        case .reconfigured(let new):
            reconfigure(new, at: moment, into: &step)
        }
        followClock(at: moment, into: &step)
        expirePINs(at: moment, policy: policy, into: &step)
        expireHeldFirsts(at: moment, into: &step)
        tickDoors(at: moment, into: &step)
        followRollCall(at: moment, into: &step)
        if lastHousekeeping.map({ moment.monotonic - $0 >= Self.housekeepingMilliseconds }) ?? true {
            lastHousekeeping = moment.monotonic
            if let bundle = try? policy.appliedBundle() { noteApplied(bundle, at: moment, into: &step) }
            checkFreshness(at: moment, into: &step)
            followPatrol(at: moment, policy: policy, into: &step)
        }
        return step
    }

    /// The bundle in force, the mode, and whether the policy is stale at `moment`.
    public func status(at moment: Moment) -> DeviceStatus {
        let stale = applied.flatMap { applied in applied.expires.map { moment.wall >= $0 } == true ? applied.version : nil }
        return DeviceStatus(bundle: applied?.version, mode: state.mode, staleBundle: stale, clockSuspect: moment.systemBelowFloor != nil)
    }

    /// The step's events and effects are stored: the runtime state follows them.
    public mutating func stored(_ step: AccessStep) {
        for effect in step.effects { state.apply(effect) }
    }

    /// The step could not be stored: the runtime state stays as the store has it, but for the
    /// mode. Its doors have moved already (an evacuation's fail-safe doors are released, and a
    /// full disk must not lock them again), so the mode they are in is the machine's, and a
    /// later mode change finds it.
    public mutating func notStored(_ step: AccessStep) {
        for case .modeChanged(let mode) in step.effects { state.mode = mode }
    }

    /// Handles one input and takes its effects as stored: for tests, and for an executor
    /// that has no store.
    public mutating func run(_ input: AccessInput, at moment: Moment, policy: some PolicyView) -> AccessStep {
        let step = handle(input, at: moment, policy: policy)
        stored(step)
        return step
    }

    /// `system.started`, the doors as the mode says, then the policy's freshness and the rounds
    /// missed while the daemon was down, before the first presentation.
    private mutating func start(software: String, at moment: Moment, policy: some PolicyView, into step: inout AccessStep) {
        do {
            applied = try policy.appliedBundle()
        } catch {
            step.note(.error, "cannot read the applied bundle", ["error": "\(error)"])
        }
        step.events.append(
            settings.events.started(software: software, bundle: applied?.version, mode: state.mode, at: moment.wall, id: EventID.make(at: moment.wall)))
        step.note(.info, "access thread started", ["bundle.version": applied.map { String($0.version) } ?? "none", "device.mode": state.mode.kind.rawValue])
        applyMode(state.mode, at: moment, into: &step)
        lastHousekeeping = moment.monotonic
        checkFreshness(at: moment, into: &step)
        followPatrol(at: moment, policy: policy, into: &step)
    }

    /// Takes `bundle` as the one in force, when it is another than the one the machine knew.
    mutating func noteApplied(_ bundle: AppliedBundle?, at moment: Moment, into step: inout AccessStep) {
        guard bundle != applied else { return }
        applied = bundle
        step.note(.info, "bundle in force", ["bundle.version": bundle.map { String($0.version) } ?? "none"])
        checkFreshness(at: moment, into: &step)
    }

    /// A reloaded configuration: doors whose configuration changed start a new machine, so what
    /// the old one held (a relay released for an evacuation, a sounding buzzer) is let go and
    /// the mode in force applied to the new one.
    private mutating func reconfigure(_ new: AccessSettings, at moment: Moment, into step: inout AccessStep) {
        settings = new
        streaks.threshold = new.config.policy.repeatedDenialsThreshold
        pinPad.settings = new.config.pin
        for (id, slot) in doors where new.config.door(id) != slot.config {
            let door = new.config.door(id)
            let released = door.map { releases($0, in: state.mode) } ?? false
            if slot.machine.isAlarming, let buzzer = slot.config.buzzer { step.outputs.append(.hold(buzzer, active: false)) }
            // A relay held for the evacuation is let go only when the new door is not held on it.
            if slot.machine.isReleased, !released || door?.relay != slot.config.relay { step.outputs.append(.hold(slot.config.relay, active: false)) }
            doors[id] = nil
            if let door { drive(door, released ? .release : .secure, at: moment, into: &step) }
        }
    }

    /// Raises `policy_stale` once per bundle version whose `expires` has passed.
    private mutating func checkFreshness(at moment: Moment, into step: inout AccessStep) {
        guard let applied, let expires = applied.expires, moment.wall >= expires, state.staleAlarmVersion != applied.version,
            !step.effects.contains(.staleAlarmed(version: applied.version))
        else { return }
        step.note(.warning, "policy is stale", ["bundle.version": "\(applied.version)", "bundle.expires": expires.rfc3339])
        step.events.append(settings.events.policyStale(applied, at: moment.wall, id: EventID.make(at: moment.wall)))
        step.effects.append(.staleAlarmed(version: applied.version))
    }
}
