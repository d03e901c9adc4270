/// What a door is doing, as `gatehouse status` shows it.
public enum DoorCondition: String, Sendable, Equatable {
    /// Locked and closed (a turnstile: no grant waiting).
    case locked
    /// Unlocked for a grant or an exit request (a turnstile: grants waiting for rotations).
    case unlocked
    /// Held open for an evacuation.
    case released
    /// The contact is open after a grant or an exit request.
    case open
    /// Open longer than its held-open time (or about to be: the pre-alarm sounds).
    case held
    /// The contact opened with no grant and no exit request, and has not closed.
    case forced
}

