/// The stable reason code of an access decision (protocol section 5).
public enum AccessReason: String, Sendable, CaseIterable, Equatable {
    // Grants.
    case granted
    case grantedEvacuation = "granted_evacuation"
    case grantedRemote = "granted_remote"
    // Denials.
    case unknownCredential = "unknown_credential"
    case credentialInactive = "credential_inactive"
    case credentialExpired = "credential_expired"
    case personInactive = "person_inactive"
    case personExpired = "person_expired"
    case noGrant = "no_grant"
    case outsideSchedule = "outside_schedule"
    case approvalMissing = "approval_missing"
    case trainingMissing = "training_missing"
    case permitMissing = "permit_missing"
    case ndaMissing = "nda_missing"
    case escortRequired = "escort_required"
    case antiPassback = "anti_passback"
    case capacityReached = "capacity_reached"
    case inviteUnknown = "invite_unknown"
    case inviteCancelled = "invite_cancelled"
    case inviteNotYetValid = "invite_not_yet_valid"
    case inviteExpired = "invite_expired"
    case inviteUsedUp = "invite_used_up"
    case tokenMalformed = "token_malformed"
    case tokenBadSignature = "token_bad_signature"
    case tokenWrongSite = "token_wrong_site"
    case tokenExpired = "token_expired"
    case tokenNotYetValid = "token_not_yet_valid"
    case notAGuard = "not_a_guard"
    case lockdown
    case noPolicy = "no_policy"
    case policyStale = "policy_stale"
    /// The PIN's digits do not match, or the credential is locked out after wrong PINs (7.2).
    case pinWrong = "pin_wrong"
    /// No PIN within `[pin] timeout_s` of the credential.
    case pinTimeout = "pin_timeout"
    /// The zone requires a PIN and the person has none (or the device has no PIN key).
    case pinMissing = "pin_missing"
    /// The zone requires an authenticated card and the credential was not one, or a card failed
    /// its authentication at a reader that authenticates (contract 7.3).
    case cardNotAuthentic = "card_not_authentic"
    /// A muster point during an evacuation: the person is marked safe (contract 7.5).
    case mustered
    /// A muster point outside an evacuation: there is nothing to muster for.
    case notEvacuating = "not_evacuating"
    /// The first person at a two-person door was not joined by a second in time (contract 7.5).
    case twoPersonTimeout = "two_person_timeout"

    /// Whether the reason opens the door.
    public var isGrant: Bool {
        switch self {
        case .granted, .grantedEvacuation, .grantedRemote: true
        default: false
        }
    }
}
