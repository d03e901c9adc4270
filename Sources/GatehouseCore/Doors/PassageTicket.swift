/// What a grant at a door carries until the door reports whether it was used: who was let
/// through, from which reader, and the occupancy changes that wait for the passage (at a
/// turnstile with a rotation sensor, a person is counted in or out when it turns, not when
/// the grant is given).
public struct PassageTicket: Sendable, Equatable {
    /// The reader the grant came from; nil for a remote `open`.
    public var reader: String?
    public var direction: ReaderConfig.Direction
    public var person: String?
    public var invite: String?
    /// Occupancy changes applied at the passage and dropped at `no_passage`.
    public var deferredEffects: [RuntimeEffect]

    public init(reader: String?, direction: ReaderConfig.Direction, person: String? = nil, invite: String? = nil, deferredEffects: [RuntimeEffect] = []) {
        self.reader = reader
        self.direction = direction
        self.person = person
        self.invite = invite
        self.deferredEffects = deferredEffects
    }

    /// The ticket of a grant, and the effects to apply at once. At a door whose passages are
    /// counted (a turnstile with a rotation sensor) the entries and exits wait for the passage;
    /// everywhere else a grant counts as the passage, so nothing waits.
    public static func forGrant(
        _ decision: AccessDecision, request: AccessRequest, effects: [RuntimeEffect]
    ) -> (ticket: PassageTicket, immediate: [RuntimeEffect]) {
        let countsPassages = request.door.map { $0.kind == .turnstile && $0.rotation != nil } ?? false
        let waits: (RuntimeEffect) -> Bool = { effect in
            switch effect {
            case .entered, .left: countsPassages
            default: false
            }
        }
        let ticket = PassageTicket(
            reader: request.reader, direction: request.direction, person: decision.person, invite: decision.invite,
            deferredEffects: effects.filter(waits))
        return (ticket, effects.filter { !waits($0) })
    }
}
