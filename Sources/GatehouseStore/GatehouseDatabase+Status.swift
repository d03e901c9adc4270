import GRDB
import GatehouseCore

extension GatehouseDatabase {
    /// Reads the status: the policy file's figures, then the state's on one snapshot.
    public func status() throws(StoreError) -> StoreStatus {
        let policy = try openPolicy()
        let applied = try policy?.appliedBundle()
        var counts = try policy?.counts() ?? [:]
        for type in RecordType.allCases where counts[type] == nil { counts[type] = 0 }
        return try read { db in
            let device = try Row.fetchOne(db, sql: "SELECT next_seq, mode, mode_zones, clock_suspect_floor FROM device_state WHERE id = 1")
            let headcount = try Row.fetchAll(db, sql: "SELECT zone, count(*) AS inside FROM occupancy GROUP BY zone").map { ($0["zone"] as String, $0["inside"] as Int) }
            return StoreStatus(
                applied: applied, counts: counts,
                outboxDepth: try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE published_at IS NULL") ?? 0,
                oldestWaiting: try (Int64.fetchOne(db, sql: "SELECT time FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT 1"))
                    .map(Timestamp.init(millisecondsSinceEpoch:)),
                recentDecisions: try Self.recentDecisions(db),
                outboxTotal: try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox") ?? 0,
                lastSeq: (device?["next_seq"] as Int64? ?? 1) - 1,
                mode: DeviceMode(DeviceMode.Kind(rawValue: device?["mode"] ?? "normal") ?? .normal, zones: Self.zones(device?["mode_zones"])),
                headcount: Dictionary(uniqueKeysWithValues: headcount),
                clockFloor: Self.later(Self.later(try Self.newestEventTime(db), try Self.timeSeen(db)), applied?.issuedAt),
                clockSuspectFloor: (device?["clock_suspect_floor"] as Int64?).map(Timestamp.init(millisecondsSinceEpoch:)))
        }
    }

    /// The outbox's figures alone, in one read of the state database: the events not yet
    /// published and the time of the oldest of them. Cheap enough for the metrics every second.
    public func outboxFigures() throws(StoreError) -> (waiting: Int, oldest: Timestamp?) {
        try read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE published_at IS NULL") ?? 0,
                try (Int64.fetchOne(db, sql: "SELECT time FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT 1")).map(Timestamp.init(millisecondsSinceEpoch:))
            )
        }
    }

    /// The clock floor the store knows (contract 7.4): the later of the newest stored event's
    /// time and the applied bundle's `iat`; nil with neither.
    public func clockFloor() throws(StoreError) -> Timestamp? {
        let issued = try openPolicy()?.appliedBundle()?.issuedAt
        return Self.later(try read { db in Self.later(try Self.newestEventTime(db), try Self.timeSeen(db)) }, issued)
    }

    /// The floor of a suspect-clock episode the daemon left open, if any: one column, for the
    /// daemon's start, which reads the rest of the runtime state once, in the access thread.
    public func clockEpisode() throws(StoreError) -> Timestamp? {
        try read { db in
            try (Int64.fetchOne(db, sql: "SELECT clock_suspect_floor FROM device_state WHERE id = 1")).map(Timestamp.init(millisecondsSinceEpoch:))
        }
    }

    /// The newest five access decisions, newest first.
    static func recentDecisions(_ db: Database) throws -> [StoredEvent] {
        let types = [EventType.accessGranted, .accessDenied].map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return try Row.fetchAll(db, sql: "SELECT \(StoredEvent.columns) FROM outbox WHERE type IN (\(types)) ORDER BY seq DESC LIMIT 5").map(StoredEvent.init(row:))
    }

    static func timeSeen(_ db: Database) throws -> Timestamp? {
        try (Int64.fetchOne(db, sql: "SELECT clock_seen FROM device_state WHERE id = 1")).map(Timestamp.init(millisecondsSinceEpoch:))
    }

    static func newestEventTime(_ db: Database) throws -> Timestamp? {
        // The newest by seq, not the largest time: what the clock said last.
        try (Int64.fetchOne(db, sql: "SELECT time FROM outbox ORDER BY seq DESC LIMIT 1")).map(Timestamp.init(millisecondsSinceEpoch:))
    }

    /// The zones of the mode, stored as a JSON array; nil for the whole site.
    static func zones(_ text: String?) -> [String]? {
        guard let text, case .array(let values)? = try? JSONReader.parse(text) else { return nil }
        return values.compactMap { if case .string(let zone) = $0 { zone } else { nil } }
    }

    static func later(_ a: Timestamp?, _ b: Timestamp?) -> Timestamp? {
        switch (a, b) {
        case (let a?, let b?): max(a, b)
        case (let a?, nil): a
        case (nil, let b): b
        }
    }

    /// SQLite's own consistency check: `ok` when the file is sound.
    public func integrityCheck() throws(StoreError) -> String {
        try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n") }
    }
}
