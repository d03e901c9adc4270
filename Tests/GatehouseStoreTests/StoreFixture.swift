import Foundation
import GRDB
import GatehouseCore
import GatehouseStore
import GatehouseTesting

/// A fresh database in a temporary directory, with an applier for site `acme`, device `gate-01`.
struct StoreFixture {
    let directory = TemporaryDirectory("gatehouse-store")
    let database: GatehouseDatabase
    let forge: BundleForge
    let applier: BundleApplier

    /// `path`: the state database; by default in the temporary directory.
    init(forge: BundleForge = BundleForge(), path: String? = nil) throws {
        self.forge = forge
        database = try GatehouseDatabase(path: path ?? directory.file("state/gatehouse.sqlite"))
        applier = BundleApplier(
            database: database, trust: forge.keys.trust, site: "acme", device: "gate-01",
            now: { Timestamp(millisecondsSinceEpoch: 1_795_248_930_123) })
    }

    /// The policy file in force, and every row of every cache table plus its bundle state, as
    /// text: equal before and after means the cache is exactly as it was.
    func snapshot() throws -> String {
        var text = "pointer: \(try database.policyPointer().file ?? "none")\n"
        text += try policy { db in
            var text = ""
            for table in ["bundle_state", "bundle_log", "person", "credential", "zone", "schedule", "access_grant", "approval", "training", "permit", "permit_person", "invite", "checkpoint", "route", "route_checkpoint"] {
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY 1, 2") {
                    text += "\(table): \(row)\n"
                }
            }
            return text
        } ?? ""
        return text
    }

    /// A read of the policy file in force; nil before the first bundle.
    func policy<T>(_ body: (Database) throws -> T) throws -> T? {
        try database.openPolicy()?.read(body)
    }

    /// The types of the events stored, oldest first.
    func eventTypes() throws -> [String] {
        try EventLog(database: database, site: "acme", device: "gate-01").events(after: 0).map(\.type)
    }

    @discardableResult
    func apply(_ bytes: [UInt8]) throws(BundleApplyFailure) -> BundleApplyOutcome {
        try applier.apply(.bytes(bytes))
    }

    /// The refusal reason of applying `bytes`, or nil if it applied.
    func refusal(_ bytes: [UInt8]) -> BundleRefusal? {
        do {
            try apply(bytes)
            return nil
        } catch {
            if case .refused(let refusal) = error { return refusal }
            return BundleRefusal(.malformed, "store failure: \(error)")
        }
    }
}
