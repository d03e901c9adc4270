/// A read-only view of the policy cache, as the engine needs it. The store implements it over
/// one read transaction per decision; tests implement it in memory.
///
/// Lookups return what the cache holds, whatever its status or window: judging them is the
/// engine's job.
public protocol PolicyView {
    /// The bundle the cache holds, or nil when none was ever applied.
    func appliedBundle() throws -> AppliedBundle?
    func credential(format: Credential.Format, value: String) throws -> Credential?
    func person(_ id: String) throws -> Person?
    func zone(_ id: String) throws -> Zone?
    /// Every zone's id, sorted.
    func zoneIDs() throws -> [String]
    func schedule(_ id: String) throws -> Schedule?
    /// Every grant naming the person.
    func grants(person: String) throws -> [Grant]
    /// Every approval of the person for the zone.
    func approvals(person: String, zone: String) throws -> [Approval]
    /// Every training record of the person for the module.
    func trainings(person: String, module: String) throws -> [Training]
    /// Every permit naming the person, for the zone.
    func permits(person: String, zone: String) throws -> [Permit]
    func invite(_ id: String) throws -> Invite?
    /// Every patrol route through the checkpoint.
    func routes(through checkpoint: String) throws -> [Route]
}
