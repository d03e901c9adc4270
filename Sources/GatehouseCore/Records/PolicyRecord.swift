/// One record of any type, as a bundle's `put` carries it.
public enum PolicyRecord: Sendable, Equatable {
    case person(Person)
    case credential(Credential)
    case zone(Zone)
    case schedule(Schedule)
    case grant(Grant)
    case approval(Approval)
    case training(Training)
    case permit(Permit)
    case invite(Invite)
    case checkpoint(Checkpoint)
    case route(Route)

    public var type: RecordType {
        switch self {
        case .person: .person
        case .credential: .credential
        case .zone: .zone
        case .schedule: .schedule
        case .grant: .grant
        case .approval: .approval
        case .training: .training
        case .permit: .permit
        case .invite: .invite
        case .checkpoint: .checkpoint
        case .route: .route
        }
    }

    public var id: String {
        switch self {
        case .person(let record): record.id
        case .credential(let record): record.id
        case .zone(let record): record.id
        case .schedule(let record): record.id
        case .grant(let record): record.id
        case .approval(let record): record.id
        case .training(let record): record.id
        case .permit(let record): record.id
        case .invite(let record): record.id
        case .checkpoint(let record): record.id
        case .route(let record): record.id
        }
    }

    /// Reads the typed record for `type` from its fields.
    public init(type: RecordType, id: String, fields: RecordFields, isKnownTimeZone: (String) -> Bool) throws(MalformedRecord) {
        switch type {
        case .person: self = .person(try Person(id: id, fields: fields))
        case .credential: self = .credential(try Credential(id: id, fields: fields))
        case .zone: self = .zone(try Zone(id: id, fields: fields))
        case .schedule: self = .schedule(try Schedule(id: id, fields: fields, isKnownTimeZone: isKnownTimeZone))
        case .grant: self = .grant(try Grant(id: id, fields: fields))
        case .approval: self = .approval(try Approval(id: id, fields: fields))
        case .training: self = .training(try Training(id: id, fields: fields))
        case .permit: self = .permit(try Permit(id: id, fields: fields))
        case .invite: self = .invite(try Invite(id: id, fields: fields))
        case .checkpoint: self = .checkpoint(try Checkpoint(id: id, fields: fields))
        case .route: self = .route(try Route(id: id, fields: fields))
        }
    }
}
