/// The live roll call of an evacuation (contract 7.5): from the moment it began, who was inside
/// each evacuated zone or entered one since, who has left through a door, who has mustered at
/// an assembly area (this device's muster points or another device's of the site), and so who
/// is unaccounted for. Pure: each change comes with its time. Kept in the runtime state and in
/// the store (`device_state.roll_call`), so it survives a restart in the middle of an evacuation.
public struct RollCall: Sendable, Equatable {
    /// One occupant's part in the roll call.
    public struct Entry: Sendable, Equatable {
        /// The evacuated zones they were counted in.
        public var zones: Set<String> = []
        /// When they left each of those zones through a door.
        public var left: [String: Timestamp] = [:]
        /// When and where they mustered; nil: not yet.
        public var mustered: Muster?

        /// Whether they are accounted for in `zone`: mustered, or left it.
        public func isAccounted(in zone: String) -> Bool { mustered != nil || left[zone] != nil }
    }

    /// A muster: the time and the reader (`device/reader` for another device's).
    public struct Muster: Sendable, Equatable {
        public var at: Timestamp
        public var reader: String
    }

    /// The thresholds a drill report times, in percent.
    public static let milestones = [50, 90, 100]

    public var started: Timestamp
    public var drill: Bool
    /// The evacuated zones; nil: every zone.
    public var zones: [String]?
    public private(set) var entries: [Occupant: Entry] = [:]
    /// How many each evacuated zone held when the evacuation began.
    public private(set) var startCounts: [String: Int] = [:]
    /// When each zone first had each milestone's share accounted for.
    public private(set) var reached: [String: [Int: Timestamp]] = [:]
    /// When the last unaccounted person was accounted for; nil until then.
    public var cleared: Timestamp?

    /// The roll call of an evacuation of `zones` (nil: every zone) beginning at `time` with
    /// `inside` (the runtime state's occupancy) in the zones.
    public init(started time: Timestamp, zones: [String]?, drill: Bool, inside: [Occupant: Set<String>]) {
        started = time
        self.drill = drill
        self.zones = zones
        for (occupant, in_) in inside {
            let evacuated = in_.filter(covers)
            guard !evacuated.isEmpty else { continue }
            entries[occupant] = Entry(zones: evacuated)
            for zone in evacuated { startCounts[zone, default: 0] += 1 }
        }
        for zone in startCounts.keys { reached[zone] = [:] }
        if entries.isEmpty { cleared = time }
    }

    /// Whether the evacuation covers `zone`.
    public func covers(_ zone: String) -> Bool { zones.map { $0.contains(zone) } ?? true }

    /// Someone entered an evacuated zone: unaccounted for there, until they leave or muster.
    public mutating func entered(_ occupant: Occupant, zone: String, at time: Timestamp) {
        guard covers(zone) else { return }
        var entry = entries[occupant] ?? Entry()
        entry.zones.insert(zone)
        entry.left[zone] = nil
        entry.mustered = nil
        entries[occupant] = entry
        if reached[zone] == nil { reached[zone] = [:] }
        cleared = nil
        note(at: time)
    }

    /// The evacuation now covers `zone` too, with `occupant` inside it: counted there as if they
    /// had been inside from the start, a muster they made still counting.
    public mutating func cover(_ occupant: Occupant, zone: String, at time: Timestamp) {
        guard covers(zone), entries[occupant]?.zones.contains(zone) != true else { return }
        entries[occupant, default: Entry()].zones.insert(zone)
        startCounts[zone, default: 0] += 1
        if reached[zone] == nil { reached[zone] = [:] }
        if entries[occupant]?.mustered == nil { cleared = nil }
        note(at: time)
    }

    /// Someone left a zone through a door.
    public mutating func left(_ occupant: Occupant, zone: String, at time: Timestamp) {
        guard entries[occupant]?.zones.contains(zone) == true, entries[occupant]?.left[zone] == nil else { return }
        entries[occupant]?.left[zone] = time
        note(at: time)
    }

    /// Someone mustered at `reader`; returns the zone the device had them in (the first, by
    /// name, of those they had not left), or nil. A second muster changes nothing.
    @discardableResult
    public mutating func mustered(_ occupant: Occupant, at time: Timestamp, reader: String) -> (zoneLeft: String?, new: Bool) {
        var entry = entries[occupant] ?? Entry()
        let zoneLeft = entry.zones.filter { entry.left[$0] == nil }.sorted().first
        guard entry.mustered == nil else { return (zoneLeft, false) }
        entry.mustered = Muster(at: time, reader: reader)
        entries[occupant] = entry
        note(at: time)
        return (zoneLeft, true)
    }

    /// The zones counted, by name.
    public var countedZones: [String] { reached.keys.sorted() }

    /// Who is accounted for, and who is not, in `zone`, each sorted.
    public func roll(of zone: String) -> (accounted: [Occupant], unaccounted: [Occupant]) {
        var accounted: [Occupant] = [], unaccounted: [Occupant] = []
        for (occupant, entry) in entries where entry.zones.contains(zone) {
            if entry.isAccounted(in: zone) { accounted.append(occupant) } else { unaccounted.append(occupant) }
        }
        return (accounted.sorted { $0.description < $1.description }, unaccounted.sorted { $0.description < $1.description })
    }

    /// How many are unaccounted for in every evacuated zone together.
    public var unaccountedCount: Int {
        entries.values.reduce(0) { count, entry in count + entry.zones.filter { !entry.isAccounted(in: $0) }.count }
    }

    /// Whether everyone counted is accounted for.
    public var isAllClear: Bool { unaccountedCount == 0 }

    /// The seconds from the start until `percent` of `zone` was accounted for; nil: not yet, or
    /// no one was counted there.
    public func seconds(toReach percent: Int, in zone: String) -> Int64? {
        reached[zone]?[percent].map { ($0.millisecondsSinceEpoch - started.millisecondsSinceEpoch) / 1000 }
    }

    /// Records milestones reached and the all clear.
    private mutating func note(at time: Timestamp) {
        for zone in reached.keys {
            let (accounted, unaccounted) = roll(of: zone)
            let total = accounted.count + unaccounted.count
            guard total > 0 else { continue }
            for percent in Self.milestones where reached[zone]?[percent] == nil && accounted.count * 100 >= percent * total {
                reached[zone]?[percent] = time
            }
        }
        if isAllClear, cleared == nil { cleared = time }
    }

    /// Restores a stored roll call's parts.
    init(started: Timestamp, drill: Bool, zones: [String]?, entries: [Occupant: Entry], startCounts: [String: Int], reached: [String: [Int: Timestamp]], cleared: Timestamp?) {
        self.started = started
        self.drill = drill
        self.zones = zones
        self.entries = entries
        self.startCounts = startCounts
        self.reached = reached
        self.cleared = cleared
    }
}
