import GatehouseCore

/// The policy cache in memory: the engine's ``PolicyView`` for tests and benchmarks.
public struct MemoryPolicy: PolicyView, Sendable {
    public var applied: AppliedBundle?
    public var credentials: [Credential] = []
    public var persons: [String: Person] = [:]
    public var zones: [String: Zone] = [:]
    public var schedules: [String: Schedule] = [:]
    public var grants: [Grant] = []
    public var approvals: [Approval] = []
    public var trainings: [Training] = []
    public var permits: [Permit] = []
    public var invites: [String: Invite] = [:]
    public var routes: [Route] = []

    public init(applied: AppliedBundle? = AppliedBundle(version: 1, kind: .snapshot, sha256: "", appliedAt: Timestamp(millisecondsSinceEpoch: 0))) {
        self.applied = applied
    }

    /// Adds a person with one badge and grants for `zones`.
    public mutating func add(_ person: Person, uid: String, zones granted: [String] = [], schedule: String? = nil) {
        persons[person.id] = person
        credentials.append(Credential(id: "c-\(person.id)", person: person.id, format: .uid, value: uid))
        if !granted.isEmpty { grants.append(Grant(id: "g-\(person.id)", person: person.id, zones: granted, schedule: schedule)) }
    }

    public func appliedBundle() -> AppliedBundle? { applied }
    public func credential(format: Credential.Format, value: String) -> Credential? {
        credentials.first { $0.format == format && $0.value == value }
    }
    public func person(_ id: String) -> Person? { persons[id] }
    public func zone(_ id: String) -> Zone? { zones[id] }
    public func zoneIDs() -> [String] { zones.keys.sorted() }
    public func schedule(_ id: String) -> Schedule? { schedules[id] }
    public func grants(person: String) -> [Grant] { grants.filter { $0.person == person } }
    public func approvals(person: String, zone: String) -> [Approval] { approvals.filter { $0.person == person && $0.zone == zone } }
    public func trainings(person: String, module: String) -> [Training] { trainings.filter { $0.person == person && $0.module == module } }
    public func permits(person: String, zone: String) -> [Permit] { permits.filter { $0.persons.contains(person) && $0.zone == zone } }
    public func invite(_ id: String) -> Invite? { invites[id] }
    public func routes(through checkpoint: String) -> [Route] { routes.filter { $0.checkpoints.contains(checkpoint) } }
}
