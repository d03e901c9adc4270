extension PolicyEngine {
    /// The checks for going in through `door` into `zone`, after identity.
    func entry(_ identity: Identity, presenting presentation: Presentation, through door: DoorConfig, into zone: Zone?, at now: Timestamp, in cache: some PolicyView, state: RuntimeState) throws -> AccessDecision {
        let decision = identity.decision
        guard let zone else { return decision.with(.noGrant) }
        if let invite = identity.invite {
            guard invite.zones.contains(zone.id) else { return decision.with(.noGrant) }
            let use = state.inviteUses[invite.id]
            if use?.checkedIn != true, (use?.entries ?? 0) >= invite.maxEntries { return decision.with(.inviteUsedUp) }
        } else if let person = identity.person {
            if let reason = try grantFailure(person: person.id, zone: zone.id, at: now, in: cache) { return decision.with(reason) }
        }
        if let schedule = zone.schedule, try !isOpen(schedule, at: now, in: cache) { return decision.with(.outsideSchedule) }
        if zone.requires.authenticatedCard, !presentation.isAuthenticated { return decision.with(.cardNotAuthentic) }
        if let reason = try requirementFailure(identity, door: door, zone: zone, at: now, in: cache, state: state) {
            return decision.with(reason)
        }
        var result = decision
        if let occupant = decision.occupant {
            if state.isInside(occupant, zone: zone.id) {
                if zone.antiPassback != .none { result = flagPassback(decision, zone) }
            } else if let capacity = zone.capacity, Int64(state.headcount[zone.id] ?? 0) >= capacity {
                return decision.with(.capacityReached)
            }
        }
        if result.granted, let within = zone.requires.twoPersonWithinSeconds { result.companionWithinSeconds = within }
        guard result.granted, zone.requires.pin else { return result }
        // Last, once everything else lets them in: the PIN (contract 7.2). A visitor's invite
        // carries none, so a PIN zone takes people with PINs only.
        guard identity.person?.pin != nil else { return result.with(.pinMissing) }
        result.needsPIN = true
        return result
    }

    /// Why the person's grants do not let them into the zone now, or nil when one does.
    private func grantFailure(person: String, zone: String, at now: Timestamp, in cache: some PolicyView) throws -> AccessReason? {
        let grants = try cache.grants(person: person).filter { grant in
            grant.zones.contains(zone) && Self.covers(from: grant.validFrom, until: grant.validUntil, now)
        }
        guard !grants.isEmpty else { return .noGrant }
        for grant in grants {
            guard let schedule = grant.schedule else { return nil }
            if try isOpen(schedule, at: now, in: cache) { return nil }
        }
        return .outsideSchedule
    }

    /// Whether a schedule from the cache is open now; an unknown schedule or time zone is closed.
    func isOpen(_ scheduleID: String, at now: Timestamp, in cache: some PolicyView) throws -> Bool {
        guard let schedule = try cache.schedule(scheduleID),
            let local = timeZones.localTime(now, in: schedule.timeZone)
        else { return false }
        return schedule.isOpen(at: local)
    }

    /// The first of the zone's requirements that the person or visitor does not meet.
    ///
    /// A visitor (an invite, or a person of kind `visitor` or `delivery`) needs an NDA and an
    /// escort where the zone asks; a visitor's approvals, trainings and permits are looked up
    /// under the invite id, as the platform issues them to the invite.
    private func requirementFailure(_ identity: Identity, door: DoorConfig, zone: Zone, at now: Timestamp, in cache: some PolicyView, state: RuntimeState) throws -> AccessReason? {
        let requires = zone.requires
        guard let subject = identity.person?.id ?? identity.invite?.id else { return nil }
        if requires.approval {
            let approvals = try cache.approvals(person: subject, zone: zone.id)
            guard approvals.contains(where: { Self.covers(from: $0.validFrom, until: $0.validUntil, now) }) else { return .approvalMissing }
        }
        for module in requires.trainings {
            let passed = try cache.trainings(person: subject, module: module)
            guard passed.contains(where: { now < $0.validUntil }) else { return .trainingMissing }
        }
        if requires.permit {
            let permits = try cache.permits(person: subject, zone: zone.id)
            let valid = permits.contains { permit in
                (permit.status == .approved || permit.status == .active)
                    && Self.covers(from: permit.validFrom, until: permit.validUntil, now)
            }
            guard valid else { return .permitMissing }
        }
        let isVisitor = identity.invite != nil || identity.person.map { $0.kind == .visitor || $0.kind == .delivery } ?? false
        guard isVisitor else { return nil }
        if requires.nda, identity.invite?.ndaSigned != true { return .ndaMissing }
        if requires.escort {
            guard let escorted = state.lastEscortEntry[door.id], now < escorted.adding(seconds: escortWindowSeconds) else {
                return .escortRequired
            }
        }
        return nil
    }
}
