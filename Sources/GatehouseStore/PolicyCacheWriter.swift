import Foundation
import GRDB
import GatehouseCore

/// Writes bundle operations into the policy cache tables, inside the caller's transaction.
struct PolicyCacheWriter {
    private let db: Database
    /// The upsert of each record type, prepared once per apply: looking statements up by their
    /// SQL text for every row costs more than binding them.
    private let upserts: [RecordType: Statement]

    /// `replacing`: a put of an id already in the cache replaces it (a delta); without it, the
    /// put fails (a snapshot, where a repeated id is a duplicate record, never a silent
    /// last-wins).
    init(_ db: Database, replacing: Bool) throws {
        self.db = db
        var upserts: [RecordType: Statement] = [:]
        for type in RecordType.allCases {
            var sql = Self.upsertSQL(for: type)
            if !replacing, let conflict = sql.range(of: " ON CONFLICT(id)") { sql = String(sql[..<conflict.lowerBound]) }
            upserts[type] = try db.makeStatement(sql: sql)
        }
        self.upserts = upserts
    }

    /// Why `operation`, which just failed on a unique key, is a duplicate: the records it
    /// repeats, by type and id (never a credential's value); nil when it clashed otherwise.
    func duplicate(of operation: BundleOperation) throws -> String? {
        guard case .put(let record) = operation else { return nil }
        let table = GatehouseDatabase.table(for: record.type)
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM \(table) WHERE id = ?", arguments: [record.id]) == true {
            return "\(record.type.rawValue) \"\(record.id)\" appears twice"
        }
        if case .credential(let credential) = record,
            let other = try String.fetchOne(
                db, sql: "SELECT id FROM credential WHERE format = ? AND value = ? AND id != ?", arguments: [credential.format.rawValue, credential.value, credential.id])
        {
            return "credential \"\(credential.id)\" has the format and value of credential \"\(other)\""
        }
        return nil
    }

    /// Empties every cache table, for a snapshot.
    func clear() throws {
        for table in GatehouseDatabase.policyTables {
            try db.execute(sql: "DELETE FROM \(table)")
        }
    }

    func apply(_ operation: BundleOperation) throws {
        switch operation {
        case .put(let record): try put(record)
        case .delete(let type, let id): try delete(type, id: id)
        }
    }

    func delete(_ type: RecordType, id: String) throws {
        switch type {
        case .permit: try run("DELETE FROM permit_person WHERE permit = ?") { $0.bind(id) }
        case .route: try run("DELETE FROM route_checkpoint WHERE route = ?") { $0.bind(id) }
        default: break
        }
        try run("DELETE FROM \(GatehouseDatabase.table(for: type)) WHERE id = ?") { $0.bind(id) }
    }

    private func run(_ sql: String, bind: (inout BoundStatement) -> Void) throws {
        var statement = try BoundStatement(db, sql: sql)
        bind(&statement)
        try statement.execute()
    }

    private func upsert(_ type: RecordType, bind: (inout BoundStatement) -> Void) throws {
        var statement = BoundStatement(db, statement: upserts[type]!)
        bind(&statement)
        try statement.execute()
    }

    private static func upsertSQL(for type: RecordType) -> String {
        switch type {
        case .person: personSQL
        case .credential: credentialSQL
        case .zone: zoneSQL
        case .schedule: scheduleSQL
        case .grant: grantSQL
        case .approval: approvalSQL
        case .training: trainingSQL
        case .permit: permitSQL
        case .invite: inviteSQL
        case .checkpoint: checkpointSQL
        case .route: routeSQL
        }
    }

    /// `INSERT ... ON CONFLICT(id) DO UPDATE`: a put replaces the record with its id, and a
    /// clash on another unique key (a badge value) fails instead of deleting the other row.
    private static func upsertSQL(_ table: String, _ columns: [String]) -> String {
        let updates = columns.dropFirst().map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        return "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(marks)) ON CONFLICT(id) DO UPDATE SET \(updates)"
    }

    private static let personSQL = upsertSQL("person", ["id", "kind", "roles", "status", "valid_from", "valid_until", "label", "pin", "duress_pin"])
    private static let credentialSQL = upsertSQL("credential", ["id", "person", "format", "value", "status", "valid_from", "valid_until"])
    private static let zoneSQL = upsertSQL("zone", ["id", "name", "level", "requires", "anti_passback", "capacity", "schedule"])
    private static let scheduleSQL = upsertSQL("schedule", ["id", "tz", "windows", "exceptions"])
    private static let grantSQL = upsertSQL("access_grant", ["id", "person", "zones", "schedule", "valid_from", "valid_until"])
    private static let approvalSQL = upsertSQL("approval", ["id", "person", "zone", "valid_from", "valid_until", "approved_by", "ref"])
    private static let trainingSQL = upsertSQL("training", ["id", "person", "module", "valid_until"])
    private static let permitSQL = upsertSQL("permit", ["id", "persons", "zone", "valid_from", "valid_until", "status", "ref", "risk"])
    private static let inviteSQL = upsertSQL("invite", ["id", "kind", "label", "host", "zones", "valid_from", "valid_until", "nda_signed", "max_entries", "status"])
    private static let checkpointSQL = upsertSQL("checkpoint", ["id", "name"])
    private static let routeSQL = upsertSQL("route", ["id", "name", "checkpoints", "every_s", "grace_s", "schedule"])

    private static func ids(_ values: [String]) -> String {
        JSONValue.array(values.map(JSONValue.string)).serialized
    }

    private func put(_ record: PolicyRecord) throws {
        switch record {
        case .person(let person):
            try upsert(.person) {
                $0.bind(person.id); $0.bind(person.kind.rawValue); $0.bind(Self.ids(person.roles)); $0.bind(person.status.rawValue)
                $0.bind(person.validFrom); $0.bind(person.validUntil); $0.bind(person.label); $0.bind(person.pin); $0.bind(person.duressPin)
            }
        case .credential(let credential):
            try upsert(.credential) {
                $0.bind(credential.id); $0.bind(credential.person); $0.bind(credential.format.rawValue); $0.bind(credential.value)
                $0.bind(credential.status.rawValue); $0.bind(credential.validFrom); $0.bind(credential.validUntil)
            }
        case .zone(let zone):
            try upsert(.zone) {
                $0.bind(zone.id); $0.bind(zone.name); $0.bind(zone.level.rawValue); $0.bind(zone.requires.jsonValue.serialized)
                $0.bind(zone.antiPassback.rawValue); $0.bind(zone.capacity); $0.bind(zone.schedule)
            }
        case .schedule(let schedule):
            try upsert(.schedule) {
                $0.bind(schedule.id); $0.bind(schedule.timeZone); $0.bind(schedule.windowsJSON.serialized); $0.bind(schedule.exceptionsJSON.serialized)
            }
        case .grant(let grant):
            try upsert(.grant) {
                $0.bind(grant.id); $0.bind(grant.person); $0.bind(Self.ids(grant.zones)); $0.bind(grant.schedule)
                $0.bind(grant.validFrom); $0.bind(grant.validUntil)
            }
        case .approval(let approval):
            try upsert(.approval) {
                $0.bind(approval.id); $0.bind(approval.person); $0.bind(approval.zone); $0.bind(approval.validFrom)
                $0.bind(approval.validUntil); $0.bind(approval.approvedBy); $0.bind(approval.reference)
            }
        case .training(let training):
            try upsert(.training) {
                $0.bind(training.id); $0.bind(training.person); $0.bind(training.module); $0.bind(training.validUntil)
            }
        case .permit(let permit):
            try upsert(.permit) {
                $0.bind(permit.id); $0.bind(Self.ids(permit.persons)); $0.bind(permit.zone); $0.bind(permit.validFrom)
                $0.bind(permit.validUntil); $0.bind(permit.status.rawValue); $0.bind(permit.reference); $0.bind(permit.risk)
            }
            try run("DELETE FROM permit_person WHERE permit = ?") { $0.bind(permit.id) }
            for person in Set(permit.persons) {
                try run("INSERT INTO permit_person (person, permit) VALUES (?, ?)") { $0.bind(person); $0.bind(permit.id) }
            }
        case .invite(let invite):
            try upsert(.invite) {
                $0.bind(invite.id); $0.bind(invite.kind.rawValue); $0.bind(invite.label); $0.bind(invite.host); $0.bind(Self.ids(invite.zones))
                $0.bind(invite.validFrom); $0.bind(invite.validUntil); $0.bind(invite.ndaSigned); $0.bind(invite.maxEntries); $0.bind(invite.status.rawValue)
            }
        case .checkpoint(let checkpoint):
            try upsert(.checkpoint) { $0.bind(checkpoint.id); $0.bind(checkpoint.name) }
        case .route(let route):
            try upsert(.route) {
                $0.bind(route.id); $0.bind(route.name); $0.bind(Self.ids(route.checkpoints)); $0.bind(route.everySeconds)
                $0.bind(route.graceSeconds); $0.bind(route.schedule)
            }
            try run("DELETE FROM route_checkpoint WHERE route = ?") { $0.bind(route.id) }
            for (position, checkpoint) in route.checkpoints.enumerated() {
                try run("INSERT INTO route_checkpoint (checkpoint, route, position) VALUES (?, ?, ?)") {
                    $0.bind(checkpoint); $0.bind(route.id); $0.bind(Int64(position))
                }
            }
        }
    }
}
