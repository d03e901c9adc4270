/// Decides access: a pure function of the presentation, the door and direction its reader
/// serves, a read-only view of the cache, the runtime state and the time.
///
/// The checks run in a fixed order and the first that fails names the reason:
/// 1. evacuation: an exit is granted, whoever presents;
/// 2. the cache: `no_policy` without a bundle; `policy_stale` past its `expires` when the door
///    says so;
/// 3. identity: the credential and its person, or the visitor token and its invite; a card that
///    failed its authentication is `card_not_authentic`;
/// 4. a checkpoint-only reader takes guards only; lockdown takes responders only;
/// 5. an exit needs nothing more than identity, and anti-passback;
/// 6. an entry needs authorisation for the zone (a grant, or the invite's zones), the zone's
///    and the grant's schedules, an authenticated card where the zone requires one, the zone's
///    other requirements, an unused invite, anti-passback and
///    room in the zone.
///
/// Whatever the engine cannot find in the cache (a person, a zone, a schedule) it treats as
/// absent, so a dangling reference denies.
public struct PolicyEngine: Sendable {
    public var site: String
    public var settings: GatehouseConfig.Policy
    /// The invite keys (protocol section 1); visitor tokens are checked against these only.
    public var inviteKeys: TrustSet
    public var timeZones: TimeZoneCatalog
    /// How long after an escort's entry a visitor may follow through an `escort` zone's door.
    public var escortWindowSeconds: Int64

    public init(site: String, settings: GatehouseConfig.Policy, inviteKeys: TrustSet, timeZones: TimeZoneCatalog, escortWindowSeconds: Int64 = 60) {
        precondition(inviteKeys.purpose == .invite, "visitor tokens are checked with invite keys only")
        self.site = site
        self.settings = settings
        self.inviteKeys = inviteKeys
        self.timeZones = timeZones
        self.escortWindowSeconds = escortWindowSeconds
    }

    /// The decision for one presentation. Throws only when the cache cannot be read.
    public func decide(_ request: AccessRequest, in cache: some PolicyView, state: RuntimeState) throws -> AccessDecision {
        if let door = request.door, request.direction == .out, state.mode.is(.evacuation, for: door.zone) {
            // Who it was is looked up for the record only; nothing can refuse the exit.
            let known = try? identify(request, in: cache)
            return (known?.decision ?? AccessDecision(reason: .grantedEvacuation)).with(.grantedEvacuation)
        }
        guard let applied = try cache.appliedBundle() else { return AccessDecision(reason: .noPolicy) }
        var stale = false
        if let expires = applied.expires, request.time >= expires {
            guard request.door?.stalePolicy == .useCache else { return AccessDecision(reason: .policyStale) }
            stale = true
        }
        var decision = try decideFresh(request, in: cache, state: state)
        decision.fromStalePolicy = stale
        return decision
    }

    private func decideFresh(_ request: AccessRequest, in cache: some PolicyView, state: RuntimeState) throws -> AccessDecision {
        let identity = try identify(request, in: cache)
        if case .checkedCard(_, _?) = request.presentation {
            // A card that failed its check is refused at every authenticating reader, whoever it
            // claims to be; the claimed person stays on the record.
            return identity.decision.with(.cardNotAuthentic)
        }
        guard identity.decision.granted else { return identity.decision }
        let roles = identity.person?.roles ?? []
        guard let door = request.door else {
            return identity.decision.with(roles.contains("guard") ? .granted : .notAGuard)
        }
        if state.mode.is(.lockdown, for: door.zone), !roles.contains("responder") {
            return identity.decision.with(.lockdown)
        }
        let zone = try cache.zone(door.zone)
        if request.direction == .out {
            return passback(identity.decision, leaving: zone, state: state)
        }
        return try entry(identity, presenting: request.presentation, through: door, into: zone, at: request.time, in: cache, state: state)
    }

    /// Anti-passback for an exit: leaving a zone one was never seen entering.
    private func passback(_ decision: AccessDecision, leaving zone: Zone?, state: RuntimeState) -> AccessDecision {
        guard let zone, zone.antiPassback != .none, let occupant = decision.occupant,
            !state.isInside(occupant, zone: zone.id)
        else { return decision }
        return flagPassback(decision, zone)
    }

    func flagPassback(_ decision: AccessDecision, _ zone: Zone) -> AccessDecision {
        if zone.antiPassback == .hard { return decision.with(.antiPassback) }
        var flagged = decision
        flagged.passbackViolation = true
        return flagged
    }
}
