import GatehouseCore
import GatehouseStore
import Logging

extension AccessController {
    /// One presentation, on the access thread: decide, open, store, report.
    func handle(reader readerID: String, _ presentation: Presentation) -> Result<AccessOutcome, DaemonError> {
        let current = currentSettings
        guard let request = AccessRequest(reader: readerID, in: current.config, presentation: presentation, time: now()) else {
            return .failure(DaemonError(code: "daemon.request", message: "no reader \"\(readerID)\" in the configuration"))
        }
        var decision: AccessDecision
        var patrol: (roles: [String], plans: [PatrolTracker.Plan])?
        do {
            decision = try policyReader.read { view in
                let decision = try current.engine.decide(request, in: view, state: state)
                // A guard at a checkpoint: the routes through it, read in the same transaction.
                if let checkpoint = request.checkpoint, let person = decision.person, let roles = try view.person(person)?.roles, roles.contains("guard") {
                    patrol = (roles, try patrolPlans(in: view, checkpoints: [checkpoint]))
                }
                return decision
            }
        } catch {
            // The cache cannot be read: nothing can be decided from it.
            logger.error("cannot read the policy cache", metadata: ["gate.reader": "\(readerID)", "error": "\(error)"])
            decision = AccessDecision(reason: .noPolicy)
        }
        let effects = state.effects(of: decision, for: request)
        var stateChanges = effects
        var doorOutcome = DoorOutcome()
        if decision.granted, let door = request.door {
            // The door's machine pulses the relay now; at a turnstile that counts rotations,
            // the entry or exit waits in the ticket for its passage.
            let (ticket, immediate) = PassageTicket.forGrant(decision, request: request, effects: effects)
            stateChanges = immediate
            doorOutcome = drive(door, .granted(ticket), at: request.time)
        }
        var events = current.events.events(for: decision, request: request, effects: effects, mode: state.mode, makeID: EventID.make)
        streaks.threshold = current.config.policy.repeatedDenialsThreshold  // a reload may change it
        if let streak = streaks.on(reader: readerID, granted: decision.granted) {
            events.append(current.events.repeatedDenials(reader: readerID, door: request.door?.id, count: streak, at: request.time, id: EventID.make(at: request.time)))
        }
        if let patrol, decision.isPatrolVisit(roles: patrol.roles) {
            let visit = patrolVisit(decision, request, plans: patrol.plans)
            events += visit.events
            stateChanges += visit.effects
        }
        logDecision(decision, request, current.config.site)
        let stored = commit(events + doorOutcome.events, effects: stateChanges + doorOutcome.effects)
        return .success(AccessOutcome(request: request, decision: decision, events: stored))
    }

    /// Stores events and applies their state changes, in the store and then in memory. A
    /// failure is logged; the state stays as the store has it.
    @discardableResult
    func commit(_ events: [PendingEvent], effects: [RuntimeEffect]) -> [StoredEvent] {
        do {
            let stored = try eventLog.commit(events, effects: effects)
            for effect in effects { state.apply(effect) }
            publishStatus()
            return stored
        } catch {
            logger.critical(
                "events not stored", metadata: ["event.types": "\(events.map(\.type.rawValue))", "error.code": "\(error.code)", "error": "\(error.message)"])
            return []
        }
    }

    func recordStart() {
        let applied = try? policyReader.read { try $0.appliedBundle() }
        let current = currentSettings
        let time = now()
        commit([current.events.started(software: software, bundle: applied?.version, mode: state.mode, at: time, id: EventID.make(at: time))], effects: [])
        logger.info("access thread started", metadata: ["bundle.version": "\(applied.map { String($0.version) } ?? "none")", "device.mode": "\(state.mode.kind.rawValue)"])
        checkPolicyFreshness()
        // Rounds missed while the daemon was down are settled before the first presentation.
        checkPatrol()
    }

    /// Raises `policy_stale` once per bundle version whose `expires` has passed.
    func checkPolicyFreshness() {
        let applied: AppliedBundle?
        do {
            applied = try policyReader.read { try $0.appliedBundle() }
        } catch {
            logger.error("cannot read the applied bundle", metadata: ["error": "\(error)"])
            return
        }
        setPublishedBundle(applied?.version)
        let time = now()
        guard let applied, let expires = applied.expires, time >= expires, state.staleAlarmVersion != applied.version else { return }
        logger.warning("policy is stale", metadata: ["bundle.version": "\(applied.version)", "bundle.expires": "\(expires.rfc3339)"])
        commit([currentSettings.events.policyStale(applied, at: time, id: EventID.make(at: time))], effects: [.staleAlarmed(version: applied.version)])
    }

    private func logDecision(_ decision: AccessDecision, _ request: AccessRequest, _ site: String) {
        var metadata: Logger.Metadata = [
            "gate.reader": "\(request.reader)", "access.reason": "\(decision.reason.rawValue)",
            "credential.format": "\(request.presentation.formatName)",
            "credential.fingerprint": "\(request.presentation.fingerprint(site: site))",
        ]
        if let door = request.door { metadata["gate.door"] = "\(door.id)" }
        if let person = decision.person { metadata["access.person"] = "\(person)" }
        if let invite = decision.invite { metadata["access.invite"] = "\(invite)" }
        if decision.granted {
            logger.info("access granted", metadata: metadata)
        } else {
            logger.notice("access denied", metadata: metadata)
        }
    }
}
