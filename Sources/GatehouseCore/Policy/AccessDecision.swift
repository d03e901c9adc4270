/// The engine's answer to one presentation: a reason code and who it was about.
public struct AccessDecision: Sendable, Equatable {
    public var reason: AccessReason
    /// The person, when the credential resolved to one.
    public var person: String?
    /// The person's kind, or the invite's kind for a visitor token.
    public var kind: String?
    /// The invite, for a visitor token.
    public var invite: String?
    /// The credential record's id, when one was found.
    public var credential: String?
    /// The person's roles, as the cache had them when the decision was made (empty for a
    /// visitor or an unknown credential), so that nothing after the decision reads them again.
    public var roles: [String] = []
    /// Whether the person holds the `escort` role (an escort's grant lets a visitor follow).
    public var isEscort: Bool { roles.contains("escort") }
    /// A soft anti-passback violation: granted, and flagged in the event.
    public var passbackViolation = false
    /// Decided from a cache whose bundle has expired (the door allows it).
    public var fromStalePolicy = false
    /// Everything but the PIN passed at a zone that requires one: the machine asks for it.
    public var needsPIN = false
    /// Everything passed at a zone that requires two persons: the first waits this many seconds
    /// for a second (contract 7.5).
    public var companionWithinSeconds: Int?
    /// The person (or invite) let in together with this one under the two-person rule.
    public var companion: String?
    /// The first of a pair, held at the reader for the second: provisional, nothing stored.
    public var waitsForCompanion = false

    public init(reason: AccessReason, person: String? = nil, kind: String? = nil, invite: String? = nil, credential: String? = nil) {
        self.reason = reason
        self.person = person
        self.kind = kind
        self.invite = invite
        self.credential = credential
    }

    public var granted: Bool { reason.isGrant }

    /// Who the decision counts in the zone's occupancy.
    public var occupant: Occupant? {
        if let invite { return .invite(invite) }
        return person.map(Occupant.person)
    }

    /// The same decision with another reason.
    func with(_ reason: AccessReason) -> AccessDecision {
        var copy = self
        copy.reason = reason
        return copy
    }
}
