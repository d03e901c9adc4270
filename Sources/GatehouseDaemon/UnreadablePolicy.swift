import GatehouseCore
import GatehouseStore

/// The policy view when the cache's read transaction cannot even begin: every lookup throws
/// the store's error, so the machine decides `no_policy` and says why in the log.
struct UnreadablePolicy: PolicyView {
    let error: StoreError

    func appliedBundle() throws -> AppliedBundle? { throw error }
    func credential(format: Credential.Format, value: String) throws -> Credential? { throw error }
    func person(_ id: String) throws -> Person? { throw error }
    func zone(_ id: String) throws -> Zone? { throw error }
    func zoneIDs() throws -> [String] { throw error }
    func schedule(_ id: String) throws -> Schedule? { throw error }
    func grants(person: String) throws -> [Grant] { throw error }
    func approvals(person: String, zone: String) throws -> [Approval] { throw error }
    func trainings(person: String, module: String) throws -> [Training] { throw error }
    func permits(person: String, zone: String) throws -> [Permit] { throw error }
    func invite(_ id: String) throws -> Invite? { throw error }
    func routes(through checkpoint: String) throws -> [Route] { throw error }
}
