import GatehouseCore

/// The cache before the first bundle: no bundle, no records. The engine denies `no_policy`.
struct EmptyPolicy: PolicyView {
    func appliedBundle() throws -> AppliedBundle? { nil }
    func credential(format: Credential.Format, value: String) throws -> Credential? { nil }
    func person(_ id: String) throws -> Person? { nil }
    func zone(_ id: String) throws -> Zone? { nil }
    func zoneIDs() throws -> [String] { [] }
    func schedule(_ id: String) throws -> Schedule? { nil }
    func grants(person: String) throws -> [Grant] { [] }
    func approvals(person: String, zone: String) throws -> [Approval] { [] }
    func trainings(person: String, module: String) throws -> [Training] { [] }
    func permits(person: String, zone: String) throws -> [Permit] { [] }
    func invite(_ id: String) throws -> Invite? { nil }
    func routes(through checkpoint: String) throws -> [Route] { [] }
}
