extension AccessMachine {
    /// One presentation: decide, open the door (its machine says how), and the events and
    /// state changes to store. The access event is the step's first event.
    mutating func present(
        _ presentation: Presentation, at readerID: String, moment: Moment, policy: some PolicyView, pin: PINEntry = .none, into step: inout AccessStep
    ) {
        let settings = settings
        guard let request = AccessRequest(reader: readerID, in: settings.config, presentation: presentation, time: moment.wall) else {
            step.note(.warning, "presentation at an unknown reader refused", ["gate.reader": readerID])
            step.reply = .unknownReader(readerID)
            return
        }
        if settings.config.reader(readerID)?.isMusterPoint == true {
            muster(request, moment: moment, policy: policy, into: &step)
            return
        }
        var decision: AccessDecision
        var plans: [PatrolTracker.Plan] = []
        do {
            decision = try settings.engine.decide(request, in: policy, state: state)
            // The bundle in force as this decision saw it (one read per transaction): a bundle
            // applied by another process is taken here even if no one said so.
            try noteApplied(policy.appliedBundle(), at: moment, into: &step)
            // A guard at a checkpoint: the routes through it, read in the same transaction.
            if let checkpoint = request.checkpoint, decision.isPatrolVisit {
                plans = try patrolPlans(in: policy, checkpoints: [checkpoint])
            }
        } catch {
            // The cache cannot be read: nothing can be decided from it.
            step.note(.error, "cannot read the policy cache", ["gate.reader": readerID, "error": "\(error)"])
            decision = AccessDecision(reason: .noPolicy)
        }
        // Hashed once, for the event and the log line.
        let fingerprint = presentation.fingerprint(site: settings.config.site)
        var duress = false
        // Alarms of the PIN step, stored after the access event (the step's first).
        var pinAlarms: [PendingEvent] = []
        if decision.granted, decision.reason != .grantedEvacuation, pinPad.isLocked(fingerprint, now: moment.monotonic) {
            step.note(.notice, "credential locked after wrong PINs", ["gate.reader": readerID, "credential.fingerprint": fingerprint])
            decision = decision.with(.pinWrong)
            decision.needsPIN = false
        } else if decision.needsPIN {
            guard let checked = checkPIN(pin, decision, request, fingerprint: fingerprint, moment: moment, policy: policy, into: &step) else { return }
            (decision, duress) = (checked.decision, checked.duress)
            pinAlarms = checked.lockout.map { [$0] } ?? []
        }
        var effects = state.effects(of: decision, for: request)
        // The two-person rule: the first is held; the second, a different person in time, opens
        // the door once for both, the first's access event stored before the second's.
        var pair: (request: AccessRequest, decision: AccessDecision, fingerprint: String)?
        if decision.granted, decision.companionWithinSeconds != nil {
            guard let first = pairUp(&decision, request, fingerprint: fingerprint, moment: moment, into: &step) else { return }
            pair = first
            effects = state.effects(of: first.decision, for: first.request) + effects
        }
        var immediate = effects
        var doorStep = AccessStep()
        if decision.granted, let door = request.door {
            // The door's machine pulses the relay now; where the door senses passages, the
            // entry or exit waits in the ticket for its passage.
            // Held open for an evacuation, the door's machine hears no passage: the grant counts
            // as it (never leave a person who went in off the muster list). A door standing open
            // already reports the grant as its passage at once.
            let released = doors[door.id].map { $0.config == door && $0.machine.isReleased } ?? false
            let (ticket, now) = PassageTicket.forGrant(decision, request: request, effects: effects, countsPassages: door.sensesPassages && !released)
            immediate = now
            drive(door, .granted(ticket), at: moment, into: &doorStep)
        }
        if let pair {
            step.events += settings.events.events(for: pair.decision, request: pair.request, effects: [], mode: state.mode, fingerprint: pair.fingerprint, makeID: EventID.make)
            step.note(.info, "access granted", Self.metadata(pair.decision, pair.request, fingerprint: pair.fingerprint))
        }
        step.events += settings.events.events(
            for: decision, request: request, effects: immediate, mode: state.mode, fingerprint: fingerprint, makeID: EventID.make)
        step.events += pinAlarms
        if duress {
            // Stored with the grant, in the same transaction; nothing different at the reader.
            step.note(.warning, "duress PIN entered", Self.metadata(decision, request, fingerprint: fingerprint))
            step.events.append(settings.events.duress(decision, request: request, mode: state.mode, fingerprint: fingerprint, id: EventID.make(at: request.time)))
        }
        signal(decision.granted ? .granted : .denied, at: readerID, into: &step)
        step.effects += immediate
        if let streak = streaks.on(reader: readerID, granted: decision.granted) {
            step.events.append(
                settings.events.repeatedDenials(reader: readerID, door: request.door?.id, count: streak, at: moment.wall, id: EventID.make(at: moment.wall)))
        }
        if request.checkpoint != nil, decision.isPatrolVisit {
            visit(decision, request, plans: plans, into: &step)
        }
        step.note(decision.granted ? .info : .notice, decision.granted ? "access granted" : "access denied", Self.metadata(decision, request, fingerprint: fingerprint))
        step.outputs += doorStep.outputs
        step.events += doorStep.events
        step.effects += doorStep.effects
        step.notes += doorStep.notes
        step.reply = .decided(request, decision)
    }

    /// A decision's log line: the credential by its fingerprint only.
    static func metadata(_ decision: AccessDecision, _ request: AccessRequest, fingerprint: String) -> [String: String] {
        var metadata = [
            "gate.reader": request.reader, "access.reason": decision.reason.rawValue,
            "credential.format": request.presentation.formatName, "credential.fingerprint": fingerprint,
        ]
        if let door = request.door { metadata["gate.door"] = door.id }
        if let person = decision.person { metadata["access.person"] = person }
        if let invite = decision.invite { metadata["access.invite"] = invite }
        return metadata
    }
}
