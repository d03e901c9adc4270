import Foundation
import GRDB
import GatehouseCore
@testable import GatehouseStore
import GatehouseTesting
import Testing

@Suite("A state database from before the policy files")
struct UpgradeTests {
    @Test("its policy cache is copied to a policy file at the first open, reported already, its events and state kept")
    func policyMovesOut() throws {
        let directory = TemporaryDirectory("gatehouse-upgrade")
        let path = directory.file("gatehouse.sqlite")
        // The database as the release before this one left it: the policy in its own tables.
        let legacy = try DatabasePool(path: path)
        try GatehouseDatabase.migrator(legacyPolicyFile: "unused").migrate(legacy, upTo: GatehouseDatabase.lastMigrationWithPolicy)
        try legacy.write { db in
            try db.execute(sql: """
                INSERT INTO person (id, kind, roles, status) VALUES ('p-1', 'employee', '[]', 'active');
                INSERT INTO credential (id, person, format, value, status) VALUES ('c-1', 'p-1', 'uid', '04A1B2C3', 'active');
                INSERT INTO bundle_state (id, version, kind, sha256, applied_at, key_id) VALUES (1, 7, 'snapshot', 'abc', 1000, 'k1');
                INSERT INTO bundle_log (version, kind, sha256, records, applied_at, key_id) VALUES (7, 'snapshot', 'abc', 2, 1000, 'k1');
                INSERT INTO outbox (seq, id, type, time, subject, payload) VALUES (1, 'e-1', 'gatehouse.system.started', 1000, 'd', '{}');
                UPDATE device_state SET next_seq = 2, mode = 'lockdown';
                """)
        }
        try legacy.close()

        let database = try GatehouseDatabase(path: path)
        let pointer = try database.policyPointer()
        #expect(pointer.file == "gatehouse.policy-1.sqlite" && pointer.generation == 1)
        #expect(pointer.reportedVersion == 7 && pointer.reportedSHA256 == "abc", "reported by the release that applied it")
        #expect(try PolicyReader(database).credential(format: .uid, value: "04A1B2C3")?.person == "p-1")
        let status = try database.status()
        #expect(status.applied?.version == 7 && status.counts[.person] == 1 && status.lastSeq == 1 && status.mode.kind == .lockdown)
        let tables = try database.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('person', 'credential', 'bundle_state')") }
        #expect(tables.isEmpty, "the state database holds no policy any more")
        // Nothing to report at the next start: the old release reported it.
        let applier = BundleApplier(database: database, trust: TestKeys().trust, site: "acme", device: "d", now: { Timestamp(millisecondsSinceEpoch: 2000) })
        #expect(try applier.reportUnreported() == nil)
        // And it opens again as it is.
        #expect(try GatehouseDatabase(path: path).policyPointer() == pointer)
    }
}
