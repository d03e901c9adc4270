extension PolicyEngine {
    /// Resolves the presentation to a person or an invite and checks that they are valid now.
    /// The decision is `granted` when they are, the first failing check's reason otherwise.
    func identify(_ request: AccessRequest, in cache: some PolicyView) throws -> Identity {
        switch request.presentation {
        case .credential(let format, let value):
            return try identifyCredential(format: format, value: value, at: request.time, in: cache)
        case .token(let token):
            return try identifyToken(token, at: request.time, in: cache)
        case .checkedCard(let uid, _):
            return try identifyCredential(format: .uid, value: uid, at: request.time, in: cache)
        }
    }

    private func identifyCredential(format: Credential.Format, value: String, at now: Timestamp, in cache: some PolicyView) throws -> Identity {
        guard let credential = try cache.credential(format: format, value: value) else {
            return Identity(decision: AccessDecision(reason: .unknownCredential))
        }
        var decision = AccessDecision(reason: .granted, person: credential.person, credential: credential.id)
        guard let person = try cache.person(credential.person) else {
            return Identity(decision: decision.with(.unknownCredential))
        }
        decision.kind = person.kind.rawValue
        decision.roles = person.roles
        let reason: AccessReason? =
            if credential.status != .active || Self.notYet(credential.validFrom, now) { .credentialInactive }
            else if Self.over(credential.validUntil, now) { .credentialExpired }
            else if person.status != .active || Self.notYet(person.validFrom, now) { .personInactive }
            else if Self.over(person.validUntil, now) { .personExpired }
            else { nil }
        return Identity(decision: reason.map(decision.with) ?? decision, person: person)
    }

    private func identifyToken(_ token: String, at now: Timestamp, in cache: some PolicyView) throws -> Identity {
        let claims: VisitorTokenClaims
        switch inviteKeys.verify(token, as: VisitorTokenClaims.self) {
        case .success(let verified): claims = verified.claims
        case .failure(.malformed): return Identity(decision: AccessDecision(reason: .tokenMalformed))
        case .failure: return Identity(decision: AccessDecision(reason: .tokenBadSignature))
        }
        var decision = AccessDecision(reason: .granted, invite: claims.sub)
        let kind = claims.kind ?? Invite.Kind.visitor.rawValue
        guard Identifier.isValid(claims.sub), let tokenKind = Invite.Kind(rawValue: kind) else {
            return Identity(decision: AccessDecision(reason: .tokenMalformed))
        }
        decision.kind = kind
        let skew = Int64(settings.clockSkewSeconds)
        guard claims.aud.contains(site) else { return Identity(decision: decision.with(.tokenWrongSite)) }
        guard now <= Timestamp(numericDate: claims.exp).adding(seconds: skew) else {
            return Identity(decision: decision.with(.tokenExpired))
        }
        guard Timestamp(numericDate: claims.nbf).adding(seconds: -skew) <= now else {
            return Identity(decision: decision.with(.tokenNotYetValid))
        }
        let invite: Invite
        if let cached = try cache.invite(claims.sub) {
            invite = cached
        } else if settings.acceptUncachedInvites, let zones = claims.zones, !zones.isEmpty {
            // The token vouches for itself: its own zones and validity, one entry, no NDA.
            invite = Invite(
                id: claims.sub, kind: tokenKind, host: claims.iss ?? "", zones: zones,
                validFrom: Timestamp(numericDate: claims.nbf), validUntil: Timestamp(numericDate: claims.exp),
                ndaSigned: false)
        } else {
            return Identity(decision: decision.with(.inviteUnknown))
        }
        decision.kind = invite.kind.rawValue
        let reason: AccessReason? =
            if invite.status == .cancelled { .inviteCancelled }
            else if now < invite.validFrom { .inviteNotYetValid }
            else if now >= invite.validUntil { .inviteExpired }
            else { nil }
        return Identity(decision: reason.map(decision.with) ?? decision, invite: invite)
    }

    /// A window's bounds: `valid_from` is the first valid instant, `valid_until` the first
    /// invalid one.
    static func notYet(_ from: Timestamp?, _ now: Timestamp) -> Bool { from.map { now < $0 } ?? false }
    static func over(_ until: Timestamp?, _ now: Timestamp) -> Bool { until.map { now >= $0 } ?? false }
    static func covers(from: Timestamp?, until: Timestamp?, _ now: Timestamp) -> Bool {
        !notYet(from, now) && !over(until, now)
    }
}

/// Who presented: the decision so far, and the records behind it.
struct Identity {
    var decision: AccessDecision
    var person: Person?
    var invite: Invite?
}
