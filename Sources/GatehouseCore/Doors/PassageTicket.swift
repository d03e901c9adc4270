/// What a grant at a door carries until the door reports whether it was used: who was let
/// through, from which reader, and the changes that wait for the passage. At a door whose
/// passages are sensed (a door with a contact, a turnstile with a rotation sensor) a person is
/// counted in or out, and a visitor checked in or out, when the door opens or the turnstile
/// turns, not when the grant is given; a `no_passage` changes none of them.
public struct PassageTicket: Sendable, Equatable {
    /// The reader the grant came from; nil for a remote `open`.
    public var reader: String?
    public var direction: ReaderConfig.Direction
    public var person: String?
    /// The person's or the invite's kind, for the visitor events of the passage.
    public var kind: String?
    public var invite: String?
    /// Occupancy and visitor changes applied at the passage and dropped at `no_passage`.
    public var deferredEffects: [RuntimeEffect]

    public init(
        reader: String?, direction: ReaderConfig.Direction, person: String? = nil, kind: String? = nil, invite: String? = nil,
        deferredEffects: [RuntimeEffect] = []
    ) {
        self.reader = reader
        self.direction = direction
        self.person = person
        self.kind = kind
        self.invite = invite
        self.deferredEffects = deferredEffects
    }

    /// The ticket of a grant, and the effects to apply at once. Where `countsPassages` (the
    /// door senses passages and is not held open for an evacuation), entries, exits, check-ins
    /// and check-outs wait for the passage; everywhere else a grant counts as the passage, so
    /// nothing waits.
    public static func forGrant(
        _ decision: AccessDecision, request: AccessRequest, effects: [RuntimeEffect], countsPassages: Bool
    ) -> (ticket: PassageTicket, immediate: [RuntimeEffect]) {
        let ticket = PassageTicket(
            reader: request.reader, direction: request.direction, person: decision.person, kind: decision.kind, invite: decision.invite,
            deferredEffects: countsPassages ? effects.filter(\.waitsForPassage) : [])
        return (ticket, countsPassages ? effects.filter { !$0.waitsForPassage } : effects)
    }

    /// The deferred changes as they apply at a passage at `time`, against the state then: each
    /// is stamped with the passage's time, and one that the state already shows (a person
    /// counted in by an earlier passage, a visitor already checked in) is dropped, so that two
    /// grants waiting at one turnstile never count one person twice.
    public func effectsAtPassage(_ time: Timestamp, state: RuntimeState) -> [RuntimeEffect] {
        deferredEffects.compactMap { effect in
            switch effect {
            case .entered(let occupant, let zone, _):
                state.isInside(occupant, zone: zone) ? nil : .entered(occupant, zone: zone, at: time)
            case .left(let occupant, let zone):
                state.isInside(occupant, zone: zone) ? effect : nil
            case .checkedIn(let invite, _):
                state.inviteUses[invite]?.checkedIn == true ? nil : .checkedIn(invite: invite, at: time)
            case .checkedOut(let invite, _):
                state.inviteUses[invite]?.checkedIn == true ? .checkedOut(invite: invite, at: time) : nil
            default:
                effect
            }
        }
    }
}

extension RuntimeEffect {
    /// Whether a door that senses passages applies this change at the passage rather than at
    /// the grant: occupancy (and with it anti-passback and the muster list) and visitor
    /// check-in and check-out (and with it an invite's use).
    public var waitsForPassage: Bool {
        switch self {
        case .entered, .left, .checkedIn, .checkedOut: true
        default: false
        }
    }
}

extension DoorConfig {
    /// Whether the door reports its passages: a door with a contact, a turnstile with a
    /// rotation sensor. Elsewhere a grant counts as the passage.
    public var sensesPassages: Bool {
        switch kind {
        case .door: contact != nil
        case .turnstile: rotation != nil
        }
    }
}
