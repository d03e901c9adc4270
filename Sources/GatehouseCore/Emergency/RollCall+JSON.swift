/// The roll call as the store keeps it: one JSON document in `device_state.roll_call`, written
/// with each change in the transaction that stores the change's events.
extension RollCall {
    public var jsonValue: JSONValue {
        func time(_ value: Timestamp?) -> JSONValue { value.map { .integer($0.millisecondsSinceEpoch) } ?? .null }
        let people: [JSONValue] = entries.keys.sorted { $0.description < $1.description }.map { occupant in
            let entry = entries[occupant] ?? Entry()
            return .object(JSONObject([
                ("who", .string(occupant.description)),
                ("zones", .array(entry.zones.sorted().map(JSONValue.string))),
                ("left", .object(JSONObject(entry.left.keys.sorted().map { ($0, time(entry.left[$0])) }))),
                ("mustered_at", time(entry.mustered?.at)), ("mustered_reader", entry.mustered.map { .string($0.reader) } ?? .null),
            ]))
        }
        return .object(JSONObject([
            ("started", time(started)), ("drill", .bool(drill)), ("zones", zones.map { .array($0.map(JSONValue.string)) } ?? .null),
            ("start_counts", .object(JSONObject(startCounts.keys.sorted().map { ($0, .integer(Int64(startCounts[$0] ?? 0))) }))),
            ("reached", .object(JSONObject(reached.keys.sorted().map { zone in
                (zone, .object(JSONObject((reached[zone] ?? [:]).keys.sorted().map { (String($0), time(reached[zone]?[$0])) })))
            }))),
            ("cleared", time(cleared)), ("entries", .array(people)),
        ]))
    }

    /// A stored roll call; nil when the document is not one (the store then starts without).
    public init?(json object: JSONObject) {
        func time(_ value: JSONValue?) -> Timestamp? { if case .integer(let ms)? = value { Timestamp(millisecondsSinceEpoch: ms) } else { nil } }
        func strings(_ value: JSONValue?) -> [String]? {
            guard case .array(let items)? = value else { return nil }
            return items.compactMap { if case .string(let text) = $0 { text } else { nil } }
        }
        guard let started = time(object["started"]), let drill = object.bool("drill") else { return nil }
        var entries: [Occupant: Entry] = [:]
        for item in object.objects("entries") {
            guard let who = item.string("who").flatMap(Occupant.init) else { return nil }
            var entry = Entry(zones: Set(strings(item["zones"]) ?? []))
            for member in item.object("left")?.members ?? [] { entry.left[member.key] = time(member.value) }
            if let at = time(item["mustered_at"]), let reader = item.string("mustered_reader") { entry.mustered = Muster(at: at, reader: reader) }
            entries[who] = entry
        }
        var counts: [String: Int] = [:]
        for member in object.object("start_counts")?.members ?? [] { if case .integer(let count) = member.value { counts[member.key] = Int(count) } }
        var reached: [String: [Int: Timestamp]] = [:]
        for zone in object.object("reached")?.members ?? [] {
            var times: [Int: Timestamp] = [:]
            if case .object(let milestones) = zone.value {
                for member in milestones.members { if let percent = Int(member.key), let at = time(member.value) { times[percent] = at } }
            }
            reached[zone.key] = times
        }
        self.init(started: started, drill: drill, zones: strings(object["zones"]), entries: entries, startCounts: counts, reached: reached, cleared: time(object["cleared"]))
    }
}
