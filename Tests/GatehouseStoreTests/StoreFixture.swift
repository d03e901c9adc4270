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

    init(forge: BundleForge = BundleForge()) throws {
        self.forge = forge
        database = try GatehouseDatabase(path: directory.file("state/gatehouse.sqlite"))
        applier = BundleApplier(
            database: database, trust: forge.keys.trust, site: "acme", device: "gate-01",
            now: { Timestamp(millisecondsSinceEpoch: 1_795_248_930_123) })
    }

    /// Every row of every cache table plus the bundle state, as text: equal before and after
    /// means the cache is exactly as it was.
    func snapshot() throws -> String {
        try database.read { db in
            var text = ""
            for table in ["bundle_state", "bundle_log", "person", "credential", "zone", "schedule", "access_grant", "approval", "training", "permit", "permit_person", "invite", "checkpoint", "route", "route_checkpoint", "outbox"] {
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY 1, 2") {
                    text += "\(table): \(row)\n"
                }
            }
            return text
        }
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
