import Foundation
import GRDB
import GatehouseCore
import GatehouseStore
import GatehouseTesting
import Testing

@Suite("The event log and the runtime state")
struct EventLogTests {
    static let time = Timestamp(rfc3339: "2026-11-23T10:00:00Z")!

    func event(_ type: EventType = .accessGranted, id: String = EventID.make(at: time)) -> PendingEvent {
        PendingEvent(id: id, type: type, time: Self.time, subject: "gate", data: JSONObject([("reason", .string("granted"))]))
    }

    @Test("events get seq 1, 2, 3… as valid CloudEvents, continuing after the database is reopened")
    func seqContinues() throws {
        let directory = TemporaryDirectory("gatehouse-events")
        let path = directory.file("state/gatehouse.sqlite")
        do {
            let log = EventLog(database: try GatehouseDatabase(path: path), site: "acme", device: "gate-01")
            let stored = try log.commit([event(), event(.visitorCheckedIn)])
            #expect(stored.map(\.seq) == [1, 2])
            try log.commit([event()])
        }
        let log = EventLog(database: try GatehouseDatabase(path: path), site: "acme", device: "gate-01")
        #expect(try log.lastSeq() == 3)
        try log.commit([event()])
        let events = try log.events(after: 0)
        #expect(events.map(\.seq) == [1, 2, 3, 4])
        let cloudEvent = try #require(try JSONReader.parse(events[1].payload).objectValue)
        #expect(cloudEvent["specversion"] == .string("1.0") && cloudEvent["seq"] == .integer(2))
        #expect(cloudEvent["source"] == .string("gatehouse:acme/gate-01") && cloudEvent["type"] == .string("gatehouse.visitor.checked_in"))
        #expect(cloudEvent["time"] == .string("2026-11-23T10:00:00.000Z") && cloudEvent["datacontenttype"] == .string("application/json"))
        guard case .string(let id)? = cloudEvent["id"] else { throw MalformedRecord(field: "id", problem: "missing") }
        #expect(id.count == 36 && Array(id)[14] == "7")
    }

    @Test("a failed commit stores nothing, changes nothing and leaves no gap")
    func failedCommitLeavesNoGap() throws {
        let directory = TemporaryDirectory("gatehouse-events")
        let log = EventLog(database: try GatehouseDatabase(path: directory.file("g.sqlite")), site: "acme", device: "gate-01")
        let first = event()
        try log.commit([first])
        #expect(throws: StoreError.self) {
            try log.commit([event(), first], effects: [.entered(.person("ann"), zone: "site", at: Self.time)])
        }
        #expect(try log.runtimeState().isInside(.person("ann"), zone: "site") == false)
        try log.commit([event()])
        #expect(try log.events(after: 0).map(\.seq) == [1, 2])
    }

    @Test("patrol rounds: kept newest first, the open rounds survive a restart, old rounds are pruned")
    func patrolRounds() throws {
        let directory = TemporaryDirectory("gatehouse-events")
        let path = directory.file("g.sqlite")
        let north = PatrolKey(route: "tour", checkpoint: "north")
        func round(_ minutes: Int64, _ outcome: PatrolRound.Outcome, by person: String? = nil) -> PatrolRound {
            let start = Self.time.adding(seconds: minutes * 60)
            return PatrolRound(
                route: "tour", checkpoint: "north", startedAt: start, dueAt: start.adding(seconds: 600), deadline: start.adding(seconds: 720),
                outcome: outcome, visitedAt: person.map { _ in start.adding(seconds: 300) }, visitedBy: person)
        }
        let effects: [RuntimeEffect] = [
            .patrolRound(round(0, .onTime, by: "gus")), .patrolRound(round(5, .missed)), .patrolRoundStarted(north, at: Self.time.adding(seconds: 900)),
            .patrolRoundStarted(PatrolKey(route: "night", checkpoint: "north"), at: nil),
        ]
        try EventLog(database: try GatehouseDatabase(path: path), site: "acme", device: "gate-01").commit([event(.patrolMissed)], effects: effects)
        let log = EventLog(database: try GatehouseDatabase(path: path), site: "acme", device: "gate-01")
        #expect(try log.patrolRounds(checkpoint: "north") == [round(5, .missed), round(0, .onTime, by: "gus")])
        #expect(try log.patrolRounds(checkpoint: "south").isEmpty)
        let state = try log.runtimeState()
        let waiting: Timestamp? = nil
        #expect(state.patrol.roundStarts == [north: Self.time.adding(seconds: 900), PatrolKey(route: "night", checkpoint: "north"): waiting])
        #expect(try log.prunePatrolRounds(startedBefore: Self.time.adding(seconds: 60)) == 1)
        #expect(try log.patrolRounds(checkpoint: "north") == [round(5, .missed)])
    }

    @Test("occupancy, invite use and the mode survive a restart")
    func runtimeStateRoundTrip() throws {
        let directory = TemporaryDirectory("gatehouse-events")
        let path = directory.file("g.sqlite")
        let effects: [RuntimeEffect] = [
            .entered(.person("ann"), zone: "site", at: Self.time), .entered(.person("ann"), zone: "lab", at: Self.time),
            .entered(.invite("inv-1"), zone: "site", at: Self.time), .checkedIn(invite: "inv-1", at: Self.time),
            .checkedOut(invite: "inv-1", at: Self.time), .checkedIn(invite: "inv-1", at: Self.time),
            .left(.person("ann"), zone: "lab"), .modeChanged(DeviceMode(.lockdown, zones: ["lab"])), .staleAlarmed(version: 3),
        ]
        var expected = RuntimeState()
        for effect in effects { expected.apply(effect) }
        try EventLog(database: try GatehouseDatabase(path: path), site: "acme", device: "gate-01").commit([event()], effects: effects)
        let restored = try EventLog(database: try GatehouseDatabase(path: path), site: "acme", device: "gate-01").runtimeState()
        #expect(restored == expected)
        #expect(restored.inviteUses["inv-1"] == RuntimeState.InviteUse(entries: 2, checkedIn: true))
        #expect(restored.headcount["site"] == 2 && restored.headcount["lab"] == nil)
    }
}

extension JSONValue {
    var objectValue: JSONObject? {
        if case .object(let object) = self { return object }
        return nil
    }
}
