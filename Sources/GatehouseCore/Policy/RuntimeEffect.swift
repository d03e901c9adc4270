/// One change to the runtime state.
public enum RuntimeEffect: Sendable, Equatable {
    case entered(Occupant, zone: String, at: Timestamp)
    case left(Occupant, zone: String)
    /// A visitor's entry that counts against `max_entries`.
    case checkedIn(invite: String, at: Timestamp)
    case checkedOut(invite: String, at: Timestamp)
    /// Kept in memory only: lets a visitor follow an escort through an `escort` zone's door.
    case escortEntered(door: String, at: Timestamp)
    case modeChanged(DeviceMode)
    case staleAlarmed(version: Int64)
    /// The system clock was found behind the clock floor (an episode began, its alarm raised);
    /// nil: it is past the floor again.
    case clockSuspected(floor: Timestamp?)
    /// A patrol round ended (visited, late or missed): kept in the history.
    case patrolRound(PatrolRound)
    /// The round now open at a checkpoint of a route started then; nil: waiting for its schedule.
    case patrolRoundStarted(PatrolKey, at: Timestamp?)
    /// The checkpoint is no longer followed on that route.
    case patrolStopped(PatrolKey)
    /// The evacuation's roll call as it now stands; nil: no evacuation (contract 7.5).
    case rollCall(RollCall?)
}
