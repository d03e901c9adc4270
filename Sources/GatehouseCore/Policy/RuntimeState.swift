/// What the device tracks between decisions: its mode, who is inside which zone, how often
/// each invite was used. The store keeps a copy, changed by the same transaction that stores
/// the event that changed it; the daemon keeps this one in memory for the engine.
public struct RuntimeState: Sendable, Equatable {
    /// One invite's use so far.
    public struct InviteUse: Sendable, Equatable {
        /// How many times the visitor checked in.
        public var entries: Int64
        /// Whether the visitor is inside now.
        public var checkedIn: Bool

        public init(entries: Int64, checkedIn: Bool) {
            self.entries = entries
            self.checkedIn = checkedIn
        }
    }

    public var mode: DeviceMode = .normal
    /// The zones each occupant is inside.
    public private(set) var zonesByOccupant: [Occupant: Set<String>] = [:]
    /// How many occupants each zone holds.
    public private(set) var headcount: [String: Int] = [:]
    public private(set) var inviteUses: [String: InviteUse] = [:]
    /// When an escort was last granted entry at each door; not kept across restarts.
    public private(set) var lastEscortEntry: [String: Timestamp] = [:]
    /// The bundle version whose staleness was already reported with a `policy_stale` alarm.
    public var staleAlarmVersion: Int64?
    /// The clock floor when the system clock was found behind it (an episode of a suspect
    /// clock, its `clock_suspect` alarm raised); nil while the clock is trusted.
    public var clockSuspectFloor: Timestamp?
    /// When the open patrol round at each local checkpoint of each route started.
    public private(set) var patrol = PatrolTracker()
    /// The roll call of the evacuation in force; nil when there is none.
    public var rollCall: RollCall?

    public init(mode: DeviceMode = .normal) {
        self.mode = mode
    }

    public func isInside(_ occupant: Occupant, zone: String) -> Bool {
        zonesByOccupant[occupant]?.contains(zone) ?? false
    }

    /// Everyone inside `zone`.
    public func occupants(of zone: String) -> [Occupant] {
        zonesByOccupant.compactMap { $0.value.contains(zone) ? $0.key : nil }
    }

    /// Applies one change, as the store applies it to its tables.
    public mutating func apply(_ effect: RuntimeEffect) {
        switch effect {
        case .entered(let occupant, let zone, _):
            if zonesByOccupant[occupant, default: []].insert(zone).inserted { headcount[zone, default: 0] += 1 }
        case .left(let occupant, let zone):
            if zonesByOccupant[occupant]?.remove(zone) != nil {
                let remaining = (headcount[zone] ?? 1) - 1
                headcount[zone] = remaining > 0 ? remaining : nil
                if zonesByOccupant[occupant]?.isEmpty == true { zonesByOccupant[occupant] = nil }
            }
        case .checkedIn(let invite, _):
            let entries = inviteUses[invite]?.entries ?? 0
            inviteUses[invite] = InviteUse(entries: entries + 1, checkedIn: true)
        case .checkedOut(let invite, _):
            inviteUses[invite]?.checkedIn = false
        case .escortEntered(let door, let time):
            lastEscortEntry[door] = time
        case .modeChanged(let mode):
            self.mode = mode
        case .staleAlarmed(let version):
            staleAlarmVersion = version
        case .clockSuspected(let floor):
            clockSuspectFloor = floor
        case .patrolRoundStarted, .patrolStopped:
            patrol.apply(effect)
        case .patrolRound:
            break  // history, kept in the store only
        case .rollCall(let call):
            rollCall = call
        }
    }
}

extension RuntimeState {
    /// Sets an invite's use as the store recorded it, when the daemon starts.
    public mutating func restore(invite: String, use: InviteUse) {
        inviteUses[invite] = use
    }
}
