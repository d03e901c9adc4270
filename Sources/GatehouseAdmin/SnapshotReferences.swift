import GatehouseCore

/// What `bundle build` checks across the records of a snapshot: every id a record names (a
/// credential's person, a grant's zones and schedule, an invite's host, a route's checkpoints…)
/// is the id of a record of that type in the same inputs. A device takes a dangling reference
/// as it comes (a badge of nobody opens nothing; a grant to `labb` grants nothing), so the
/// mistake would only show at the door.
struct SnapshotReferences {
    private struct Reference {
        var place: String
        var record: String
        var field: String
        /// The types the id may be of: a visitor's approvals, trainings and permits are kept
        /// under the invite's id (docs/decisions.md, the access checks).
        var types: [RecordType]
        var id: String
    }

    private var defined: [RecordType: Set<String>] = [:]
    private var references: [Reference] = []

    /// Notes a record put at `place` (`file:line`): its id, and the ids it names.
    mutating func note(_ record: PolicyRecord, at place: String) {
        defined[record.type, default: []].insert(record.id)
        let name = "\(record.type.rawValue) \"\(record.id)\""
        func refer(_ field: String, _ types: RecordType..., ids: [String]) {
            references += ids.map { Reference(place: place, record: name, field: field, types: types, id: $0) }
        }
        func refer(_ field: String, _ type: RecordType, _ ids: [String]) { refer(field, type, ids: ids) }
        switch record {
        case .credential(let credential):
            refer("person", .person, [credential.person])
        case .zone(let zone):
            refer("schedule", .schedule, zone.schedule.map { [$0] } ?? [])
        case .grant(let grant):
            refer("person", .person, [grant.person])
            refer("zones", .zone, grant.zones)
            refer("schedule", .schedule, grant.schedule.map { [$0] } ?? [])
        case .approval(let approval):
            refer("person", .person, .invite, ids: [approval.person])
            refer("zone", .zone, [approval.zone])
        case .training(let training):
            refer("person", .person, .invite, ids: [training.person])
        case .permit(let permit):
            refer("persons", .person, .invite, ids: permit.persons)
            refer("zone", .zone, [permit.zone])
        case .invite(let invite):
            refer("host", .person, [invite.host])
            refer("zones", .zone, invite.zones)
        case .route(let route):
            refer("checkpoints", .checkpoint, route.checkpoints)
            refer("schedule", .schedule, route.schedule.map { [$0] } ?? [])
        case .person, .schedule, .checkpoint:
            break
        }
    }

    /// One problem per reference to an id no input defines, at the referring record's place.
    func problems() -> [String] {
        references.compactMap { reference in
            guard !reference.types.contains(where: { defined[$0]?.contains(reference.id) ?? false }) else { return nil }
            let type = reference.types.map(\.rawValue).joined(separator: " or ")
            let known = reference.types.flatMap { (defined[$0] ?? []).sorted() }
            let hint = known.isEmpty ? "no input defines any \(type)" : "known: \(Self.list(known))"
            return "\(reference.place): \(reference.record): \(reference.field) names \(type) \"\(reference.id)\", which no input defines (\(hint))"
        }
    }

    private static func list(_ ids: [String]) -> String {
        ids.count <= 10 ? ids.joined(separator: ", ") : ids.prefix(10).joined(separator: ", ") + " and \(ids.count - 10) more"
    }
}
