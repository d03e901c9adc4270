extension AccessDecision {
    /// Whether this decision at a checkpoint is a guard's visit: the person is a `guard` and
    /// was identified with a valid credential. At a reader that is also a door, the door's own
    /// refusal (no grant, a schedule, anti-passback, lockdown…) does not undo the visit: the
    /// guard was there.
    public var isPatrolVisit: Bool {
        guard person != nil, roles.contains("guard") else { return false }
        switch reason {
        case .unknownCredential, .credentialInactive, .credentialExpired, .personInactive, .personExpired, .notAGuard, .noPolicy, .policyStale,
            .tokenMalformed, .tokenBadSignature, .tokenWrongSite, .tokenExpired, .tokenNotYetValid,
            .inviteUnknown, .inviteCancelled, .inviteNotYetValid, .inviteExpired, .inviteUsedUp:
            return false
        default:
            return true
        }
    }
}
