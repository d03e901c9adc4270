import GRDB
import GatehouseCore

/// The policy cache as one read transaction sees it: the engine's ``PolicyView`` over the
/// store. Statements are prepared once per connection and bound through SQLite directly.
///
/// Records are rebuilt from their columns. Zones and schedules go back through their record
/// decoders, so that the JSON the writer stored is read by the same rules that admitted it,
/// once per bundle: `cache` keeps them for the bundle this transaction sees.
struct PolicySnapshot: PolicyView {
    let db: Database
    var cache: RecordCache?
    /// The applied bundle, read once per transaction however often it is asked for.
    private let applied = AppliedMemo()

    init(db: Database, cache: RecordCache? = nil) {
        self.db = db
        self.cache = cache
    }

    private func statement(_ sql: String) throws -> BoundStatement {
        try BoundStatement(db, sql: sql)
    }

    func appliedBundle() throws -> AppliedBundle? {
        if let known = applied.value { return known }
        let bundle = try readAppliedBundle()
        applied.value = .some(bundle)
        return bundle
    }

    private func readAppliedBundle() throws -> AppliedBundle? {
        var lookup = try statement("SELECT version, kind, sha256, applied_at, expires FROM bundle_state WHERE id = 1")
        return try lookup.row { columns in
            AppliedBundle(
                version: columns.integer(0) ?? 0, kind: BundleManifest.Kind(rawValue: columns.text(1)) ?? .snapshot, sha256: columns.text(2),
                appliedAt: columns.timestamp(3) ?? Timestamp(millisecondsSinceEpoch: 0), expires: columns.timestamp(4))
        }
    }

    func credential(format: Credential.Format, value: String) throws -> Credential? {
        var lookup = try statement("SELECT id, person, status, valid_from, valid_until FROM credential WHERE format = ? AND value = ?")
        lookup.bind(format.rawValue)
        lookup.bind(value)
        return try lookup.row { columns in
            Credential(
                id: columns.text(0), person: columns.text(1), format: format, value: value,
                status: Credential.Status(rawValue: columns.text(2)) ?? .revoked,
                validFrom: columns.timestamp(3), validUntil: columns.timestamp(4))
        }
    }

    func person(_ id: String) throws -> Person? {
        var lookup = try statement("SELECT kind, roles, status, valid_from, valid_until, label, pin, duress_pin FROM person WHERE id = ?")
        lookup.bind(id)
        return try lookup.row { columns in
            Person(
                id: id, kind: Person.Kind(rawValue: columns.text(0)) ?? .visitor, roles: columns.identifiers(1),
                status: Person.Status(rawValue: columns.text(2)) ?? .revoked,
                validFrom: columns.timestamp(3), validUntil: columns.timestamp(4), label: columns.optionalText(5),
                pin: columns.optionalText(6), duressPin: columns.optionalText(7))
        }
    }

    func zone(_ id: String) throws -> Zone? {
        guard let cache, let bundle = try appliedBundle() else { return try loadZone(id) }
        return try cache.zone(id, bundle: bundle) { try loadZone(id) }
    }

    func zoneIDs() throws -> [String] {
        var lookup = try statement("SELECT id FROM zone ORDER BY id")
        return try lookup.rows { columns in columns.text(0) }
    }

    private func loadZone(_ id: String) throws -> Zone? {
        var lookup = try statement("SELECT name, level, requires, anti_passback, capacity, schedule FROM zone WHERE id = ?")
        lookup.bind(id)
        let fields = try lookup.row { columns in
            RecordFields(JSONObject([
                ("name", columns.optionalText(0).map(JSONValue.string) ?? .null), ("level", .string(columns.text(1))),
                ("requires", columns.json(2)), ("anti_passback", .string(columns.text(3))),
                ("capacity", columns.integer(4).map(JSONValue.integer) ?? .null),
                ("schedule", columns.optionalText(5).map(JSONValue.string) ?? .null),
            ]))
        }
        return try fields.map { (fields) throws(MalformedRecord) in try Zone(id: id, fields: fields) }
    }

    func schedule(_ id: String) throws -> Schedule? {
        guard let cache, let bundle = try appliedBundle() else { return try loadSchedule(id) }
        return try cache.schedule(id, bundle: bundle) { try loadSchedule(id) }
    }

    private func loadSchedule(_ id: String) throws -> Schedule? {
        var lookup = try statement("SELECT tz, windows, exceptions FROM schedule WHERE id = ?")
        lookup.bind(id)
        let fields = try lookup.row { columns in
            RecordFields(JSONObject([("tz", .string(columns.text(0))), ("windows", columns.json(1)), ("exceptions", columns.json(2))]))
        }
        // The zone name was checked when the bundle was applied; the engine treats a zone it
        // cannot load as closed.
        return try fields.map { (fields) throws(MalformedRecord) in try Schedule(id: id, fields: fields, isKnownTimeZone: { _ in true }) }
    }

    func grants(person: String) throws -> [Grant] {
        var lookup = try statement("SELECT id, zones, schedule, valid_from, valid_until FROM access_grant WHERE person = ?")
        lookup.bind(person)
        return try lookup.rows { columns in
            Grant(
                id: columns.text(0), person: person, zones: columns.identifiers(1), schedule: columns.optionalText(2),
                validFrom: columns.timestamp(3), validUntil: columns.timestamp(4))
        }
    }

    func approvals(person: String, zone: String) throws -> [Approval] {
        var lookup = try statement("SELECT id, valid_from, valid_until, approved_by, ref FROM approval WHERE person = ? AND zone = ?")
        lookup.bind(person)
        lookup.bind(zone)
        return try lookup.rows { columns in
            Approval(
                id: columns.text(0), person: person, zone: zone, validFrom: columns.timestamp(1) ?? Self.never,
                validUntil: columns.timestamp(2) ?? Self.never, approvedBy: columns.text(3), reference: columns.optionalText(4))
        }
    }

    func trainings(person: String, module: String) throws -> [Training] {
        var lookup = try statement("SELECT id, valid_until FROM training WHERE person = ? AND module = ?")
        lookup.bind(person)
        lookup.bind(module)
        return try lookup.rows { columns in
            Training(id: columns.text(0), person: person, module: module, validUntil: columns.timestamp(1) ?? Self.never)
        }
    }

    func permits(person: String, zone: String) throws -> [Permit] {
        var lookup = try statement("""
            SELECT permit.id, permit.persons, permit.valid_from, permit.valid_until, permit.status, permit.ref, permit.risk
            FROM permit_person JOIN permit ON permit.id = permit_person.permit
            WHERE permit_person.person = ? AND permit.zone = ?
            """)
        lookup.bind(person)
        lookup.bind(zone)
        return try lookup.rows { columns in
            Permit(
                id: columns.text(0), persons: columns.identifiers(1), zone: zone, validFrom: columns.timestamp(2) ?? Self.never,
                validUntil: columns.timestamp(3) ?? Self.never, status: Permit.Status(rawValue: columns.text(4)) ?? .closed,
                reference: columns.text(5), risk: columns.optionalText(6))
        }
    }

    func invite(_ id: String) throws -> Invite? {
        var lookup = try statement("SELECT kind, label, host, zones, valid_from, valid_until, nda_signed, max_entries, status FROM invite WHERE id = ?")
        lookup.bind(id)
        return try lookup.row { columns in
            Invite(
                id: id, kind: Invite.Kind(rawValue: columns.text(0)) ?? .visitor, label: columns.optionalText(1), host: columns.text(2),
                zones: columns.identifiers(3), validFrom: columns.timestamp(4) ?? Self.never, validUntil: columns.timestamp(5) ?? Self.never,
                ndaSigned: columns.integer(6) == 1, maxEntries: columns.integer(7) ?? 1,
                status: Invite.Status(rawValue: columns.text(8)) ?? .cancelled)
        }
    }

    /// Stands in for a required time the column lacks; the writer never stores one without it.
    private static let never = Timestamp(millisecondsSinceEpoch: 0)

    func routes(through checkpoint: String) throws -> [Route] {
        var lookup = try statement("""
            SELECT DISTINCT route.id, route.name, route.checkpoints, route.every_s, route.grace_s, route.schedule
            FROM route_checkpoint JOIN route ON route.id = route_checkpoint.route WHERE route_checkpoint.checkpoint = ? ORDER BY route.id
            """)
        lookup.bind(checkpoint)
        return try lookup.rows { columns in
            Route(
                id: columns.text(0), name: columns.optionalText(1), checkpoints: columns.identifiers(2), everySeconds: columns.integer(3) ?? 1,
                graceSeconds: columns.integer(4) ?? 0, schedule: columns.optionalText(5))
        }
    }
}

/// One transaction's applied bundle, once read; used only inside that transaction.
private final class AppliedMemo {
    var value: AppliedBundle??
}
