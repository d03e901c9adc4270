/// An area behind one or more doors, with what it takes to enter.
public struct Zone: Sendable, Equatable {
    public enum Level: String, Sendable, CaseIterable { case `public`, restricted, controlled, high_security }
    public enum AntiPassback: String, Sendable, CaseIterable { case none, soft, hard }

    /// What a person needs, beyond a grant, to enter the zone.
    public struct Requirements: Sendable, Equatable {
        public var approval = false
        public var permit = false
        public var nda = false
        public var escort = false
        /// Training module ids, each passed and unexpired.
        public var trainings: [String] = []
        /// A PIN after the credential (contract 7.2), at the zone's entry readers.
        public var pin = false
        /// Only a card that proved itself genuine (contract 7.3).
        public var authenticatedCard = false
        /// Two different persons together, the second within this many seconds of the first
        /// (`two_person.within_s`, default 30; contract 7.5); nil: one is enough.
        public var twoPersonWithinSeconds: Int?

        public init(
            approval: Bool = false, permit: Bool = false, nda: Bool = false, escort: Bool = false, trainings: [String] = [], pin: Bool = false,
            authenticatedCard: Bool = false
        ) {
            self.pin = pin
            self.authenticatedCard = authenticatedCard
            self.approval = approval
            self.permit = permit
            self.nda = nda
            self.escort = escort
            self.trainings = trainings
        }

        init(fields: RecordFields) throws(MalformedRecord) {
            self.init(
                approval: try fields.optionalBool("approval", default: false),
                permit: try fields.optionalBool("permit", default: false),
                nda: try fields.optionalBool("nda", default: false),
                escort: try fields.optionalBool("escort", default: false),
                trainings: try fields.optionalIdentifiers("trainings"),
                pin: try fields.optionalBool("pin", default: false),
                authenticatedCard: try fields.optionalBool("authenticated_card", default: false))
            if let rule = try fields.optionalObject("two_person") {
                twoPersonWithinSeconds = Int(try rule.optionalInteger("within_s", in: 1...600) ?? 30)
            }
        }

        /// The requirements as JSON, for the cache.
        public var jsonValue: JSONValue {
            .object(JSONObject([
                ("approval", .bool(approval)), ("permit", .bool(permit)), ("nda", .bool(nda)),
                ("escort", .bool(escort)), ("trainings", .array(trainings.map(JSONValue.string))), ("pin", .bool(pin)),
                ("authenticated_card", .bool(authenticatedCard)),
                ("two_person", twoPersonWithinSeconds.map { .object(JSONObject([("within_s", .integer(Int64($0)))])) } ?? .null),
            ]))
        }
    }

    public var id: String
    public var name: String?
    public var level: Level
    public var requires: Requirements
    public var antiPassback: AntiPassback
    public var capacity: Int64?
    /// A schedule id: when the zone is open at all.
    public var schedule: String?

    public init(id: String, name: String? = nil, level: Level, requires: Requirements = .init(), antiPassback: AntiPassback = .none, capacity: Int64? = nil, schedule: String? = nil) {
        self.id = id
        self.name = name
        self.level = level
        self.requires = requires
        self.antiPassback = antiPassback
        self.capacity = capacity
        self.schedule = schedule
    }

    /// Reads a `zone` record's fields.
    public init(id: String, fields: RecordFields) throws(MalformedRecord) {
        self.init(
            id: id,
            name: try fields.optionalString("name"),
            level: try fields.enumeration("level"),
            requires: try fields.optionalObject("requires").map { (object) throws(MalformedRecord) in try Requirements(fields: object) } ?? .init(),
            antiPassback: try fields.enumeration("anti_passback"),
            capacity: try fields.optionalInteger("capacity", in: 0...10_000_000),
            schedule: try fields.optionalIdentifier("schedule"))
    }
}
