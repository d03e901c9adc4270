import GRDB
import GatehouseCore

extension EventLog {
    /// The runtime state as the store holds it, for the daemon to start from.
    public func runtimeState() throws(StoreError) -> RuntimeState {
        try database.read { db in
            var state = RuntimeState()
            if let row = try Row.fetchOne(db, sql: "SELECT mode, mode_zones, mode_drill, roll_call, stale_alarm_version, clock_suspect_floor FROM device_state WHERE id = 1") {
                let zones = GatehouseDatabase.zones(row["mode_zones"])
                let kind = DeviceMode.Kind(rawValue: row["mode"]) ?? .normal
                state.mode = DeviceMode(kind, zones: zones, drill: kind == .evacuation && (row["mode_drill"] as Bool? ?? false))
                if let text = row["roll_call"] as String?, case .object(let object)? = try? JSONReader.parse(text) {
                    state.rollCall = RollCall(json: object)
                }
                state.staleAlarmVersion = row["stale_alarm_version"]
                state.clockSuspectFloor = (row["clock_suspect_floor"] as Int64?).map(Timestamp.init(millisecondsSinceEpoch:))
            }
            for row in try Row.fetchAll(db, sql: "SELECT occupant, zone, since FROM occupancy") {
                guard let occupant = Occupant(row["occupant"] as String) else { continue }
                state.apply(.entered(occupant, zone: row["zone"], at: Timestamp(millisecondsSinceEpoch: row["since"])))
            }
            for row in try Row.fetchAll(db, sql: "SELECT invite, entries, checked_in FROM invite_use") {
                state.restore(invite: row["invite"], use: RuntimeState.InviteUse(entries: row["entries"], checkedIn: row["checked_in"] as Bool))
            }
            for row in try Row.fetchAll(db, sql: "SELECT route, checkpoint, round_start FROM patrol_state") {
                let start = (row["round_start"] as Int64?).map(Timestamp.init(millisecondsSinceEpoch:))
                state.apply(.patrolRoundStarted(PatrolKey(route: row["route"], checkpoint: row["checkpoint"]), at: start))
            }
            return state
        }
    }

    /// Stored events with `seq` greater than `after`, oldest first, at most `limit`.
    public func events(after: Int64, limit: Int = 1000) throws(StoreError) -> [StoredEvent] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT \(StoredEvent.columns) FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [after, limit])
                .map(StoredEvent.init(row:))
        }
    }

    /// The `seq` of the newest stored event, or 0 when there is none.
    public func lastSeq() throws(StoreError) -> Int64 {
        try database.read { db in try Int64.fetchOne(db, sql: "SELECT next_seq - 1 FROM device_state WHERE id = 1") ?? 0 }
    }

    /// The finished patrol rounds at `checkpoint`, newest first, at most `limit`.
    public func patrolRounds(checkpoint: String, limit: Int = 20) throws(StoreError) -> [PatrolRound] {
        try database.read { db in
            try Row.fetchAll(
                db, sql: """
                    SELECT route, checkpoint, started_at, due_at, deadline, outcome, visited_at, visited_by FROM patrol_round
                    WHERE checkpoint = ? ORDER BY started_at DESC, id DESC LIMIT ?
                    """, arguments: [checkpoint, limit]
            ).map { row in
                PatrolRound(
                    route: row["route"], checkpoint: row["checkpoint"], startedAt: Timestamp(millisecondsSinceEpoch: row["started_at"]),
                    dueAt: Timestamp(millisecondsSinceEpoch: row["due_at"]), deadline: Timestamp(millisecondsSinceEpoch: row["deadline"]),
                    outcome: PatrolRound.Outcome(rawValue: row["outcome"]) ?? .missed,
                    visitedAt: (row["visited_at"] as Int64?).map(Timestamp.init(millisecondsSinceEpoch:)), visitedBy: row["visited_by"])
            }
        }
    }

    /// Deletes finished patrol rounds that started before `cutoff`; returns how many.
    @discardableResult
    public func prunePatrolRounds(startedBefore cutoff: Timestamp) throws(StoreError) -> Int {
        try database.write { db in
            try db.execute(sql: "DELETE FROM patrol_round WHERE started_at < ?", arguments: [cutoff.millisecondsSinceEpoch])
            return db.changesCount
        }
    }
}
