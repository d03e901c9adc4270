import GRDB
import GatehouseCore
import GatehouseThreads
import Synchronization

/// The event outbox and the runtime state, written together: each commit stores a decision's
/// events, numbered with the next `seq`s, and the state changes they report, in one
/// transaction. `seq` comes from a counter in the same transaction, so it has no gaps and is
/// never reused, across crashes and restarts.
public final class EventLog: Sendable {
    let database: GatehouseDatabase
    /// `gatehouse:{site}/{device}`.
    public let source: String

    /// Told after every commit that stored events; the publisher wakes on it.
    let onCommit: @Sendable () -> Void
    /// When the last commit ended, on the monotonic clock (milliseconds; 0 before the first):
    /// the checkpointer empties the log only in a quiet moment.
    private let lastCommit = Atomic<Int64>(0)

    /// Milliseconds since the last commit ended (a large number before the first).
    public var quietMilliseconds: Int64 {
        let last = lastCommit.load(ordering: .relaxed)
        return last == 0 ? .max : MonotonicClock.milliseconds() - last
    }

    public init(database: GatehouseDatabase, site: String, device: String, onCommit: @escaping @Sendable () -> Void = {}) {
        self.database = database
        self.source = PendingEvent.source(site: site, device: device)
        self.onCommit = onCommit
    }

    /// Keeps `time`, read from the floored clock, as the last time the daemon saw. It goes back
    /// only when an episode of a suspect clock ends, and then it must.
    public func noteTimeSeen(_ time: Timestamp) throws(StoreError) {
        try database.write { db in
            try db.execute(sql: "UPDATE device_state SET clock_seen = ? WHERE id = 1", arguments: [time.millisecondsSinceEpoch])
        }
    }

    /// Stores `events` and applies `effects`, all or nothing. Returns the events as stored.
    @discardableResult
    public func commit(_ events: [PendingEvent], effects: [RuntimeEffect] = []) throws(StoreError) -> [StoredEvent] {
        try commit(events, effects: effects) { _ in }
    }

    /// Stores `events`, applies `effects`, and runs `alongside` (another change of the state
    /// database's own), all in one transaction.
    func commit(_ events: [PendingEvent], effects: [RuntimeEffect] = [], alongside: (Database) throws -> Void) throws(StoreError) -> [StoredEvent] {
        do {
            let stored: [StoredEvent] = try database.pool.write { db in
                try alongside(db)
                for effect in effects { try Self.apply(effect, db) }
                guard !events.isEmpty else { return [] }
                // Advancing the counter first also takes the seqs: one statement, no read-back race.
                var advance = try BoundStatement(db, sql: "UPDATE device_state SET next_seq = next_seq + ? WHERE id = 1 RETURNING next_seq - ?")
                advance.bind(Int64(events.count))
                advance.bind(Int64(events.count))
                var seq = try advance.row { $0.integer(0) ?? 1 } ?? 1
                var insert = try BoundStatement(db, sql: "INSERT INTO outbox (seq, id, type, time, subject, payload) VALUES (?, ?, ?, ?, ?, ?)")
                var stored: [StoredEvent] = []
                for event in events {
                    let payload = event.cloudEvent(seq: seq, source: source).serialized
                    insert.bind(seq); insert.bind(event.id); insert.bind(event.type.rawValue)
                    insert.bind(event.time.millisecondsSinceEpoch); insert.bind(event.subject); insert.bind(payload)
                    try insert.execute()
                    stored.append(StoredEvent(seq: seq, id: event.id, type: event.type.rawValue, time: event.time, subject: event.subject, payload: payload))
                    seq += 1
                }
                return stored
            }
            lastCommit.store(MonotonicClock.milliseconds(), ordering: .relaxed)
            if !stored.isEmpty { onCommit() }
            return stored
        } catch let error as StoreError {
            throw error
        } catch let error as BoundStatementError {
            throw StoreError(.sqlite, error.message)
        } catch {
            throw StoreError(.sqlite, "\(error)")
        }
    }

    /// Applies one state change with statements prepared once per connection.
    private static func apply(_ effect: RuntimeEffect, _ db: Database) throws {
        switch effect {
        case .entered(let occupant, let zone, let time):
            var statement = try BoundStatement(db, sql: "INSERT OR IGNORE INTO occupancy (occupant, zone, since) VALUES (?, ?, ?)")
            statement.bind(occupant.description); statement.bind(zone); statement.bind(time.millisecondsSinceEpoch)
            try statement.execute()
        case .left(let occupant, let zone):
            var statement = try BoundStatement(db, sql: "DELETE FROM occupancy WHERE occupant = ? AND zone = ?")
            statement.bind(occupant.description); statement.bind(zone)
            try statement.execute()
        case .checkedIn(let invite, let time):
            var statement = try BoundStatement(db, sql: """
                INSERT INTO invite_use (invite, entries, checked_in, last_check_in) VALUES (?, 1, 1, ?)
                ON CONFLICT(invite) DO UPDATE SET entries = entries + 1, checked_in = 1, last_check_in = excluded.last_check_in
                """)
            statement.bind(invite); statement.bind(time.millisecondsSinceEpoch)
            try statement.execute()
        case .checkedOut(let invite, let time):
            var statement = try BoundStatement(db, sql: "UPDATE invite_use SET checked_in = 0, last_check_out = ? WHERE invite = ?")
            statement.bind(time.millisecondsSinceEpoch); statement.bind(invite)
            try statement.execute()
        case .escortEntered:
            break  // kept in memory only
        case .modeChanged(let mode):
            try db.execute(
                sql: "UPDATE device_state SET mode = ?, mode_zones = ?, mode_drill = ? WHERE id = 1",
                arguments: [mode.kind.rawValue, mode.zones.map { JSONValue.array($0.map(JSONValue.string)).serialized }, mode.drill])
        case .rollCall(let call):
            try db.execute(sql: "UPDATE device_state SET roll_call = ? WHERE id = 1", arguments: [call?.jsonValue.serialized])
        case .staleAlarmed(let version):
            try db.execute(sql: "UPDATE device_state SET stale_alarm_version = ? WHERE id = 1", arguments: [version])
        case .clockSuspected(let floor):
            try db.execute(sql: "UPDATE device_state SET clock_suspect_floor = ? WHERE id = 1", arguments: [floor?.millisecondsSinceEpoch])
        case .patrolRound(let round):
            var statement = try BoundStatement(db, sql: """
                INSERT INTO patrol_round (route, checkpoint, started_at, due_at, deadline, outcome, visited_at, visited_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            statement.bind(round.route); statement.bind(round.checkpoint); statement.bind(round.startedAt.millisecondsSinceEpoch)
            statement.bind(round.dueAt.millisecondsSinceEpoch); statement.bind(round.deadline.millisecondsSinceEpoch)
            statement.bind(round.outcome.rawValue); statement.bind(round.visitedAt?.millisecondsSinceEpoch); statement.bind(round.visitedBy)
            try statement.execute()
        case .patrolRoundStarted(let key, let time):
            try db.execute(
                sql: "INSERT OR REPLACE INTO patrol_state (route, checkpoint, round_start) VALUES (?, ?, ?)",
                arguments: [key.route, key.checkpoint, time?.millisecondsSinceEpoch])
        case .patrolStopped(let key):
            try db.execute(sql: "DELETE FROM patrol_state WHERE route = ? AND checkpoint = ?", arguments: [key.route, key.checkpoint])
        }
    }
}
