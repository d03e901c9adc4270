extension RecordType {
    /// The fields the contract defines for a record of this type (sections 3 and 7), with
    /// the line's own `op`, `type` and `id`. A device ignores the others (section 3); the
    /// project's bundle builder names them, so that a misspelt field (`trainng`) does not vanish
    /// in silence.
    public var knownFields: Set<String> {
        let fields: [String] =
            switch self {
            case .person: ["kind", "roles", "status", "valid_from", "valid_until", "label", "pin", "duress_pin"]
            case .credential: ["person", "format", "value", "status", "valid_from", "valid_until"]
            case .zone: ["name", "level", "requires", "anti_passback", "capacity", "schedule"]
            case .schedule: ["tz", "windows", "exceptions"]
            case .grant: ["person", "zones", "schedule", "valid_from", "valid_until"]
            case .approval: ["person", "zone", "valid_from", "valid_until", "approved_by", "ref"]
            case .training: ["person", "module", "valid_until"]
            case .permit: ["persons", "zone", "valid_from", "valid_until", "status", "ref", "risk"]
            case .invite: ["kind", "label", "host", "zones", "valid_from", "valid_until", "nda_signed", "max_entries", "status"]
            case .checkpoint: ["name"]
            case .route: ["name", "checkpoints", "every_s", "grace_s", "schedule"]
            }
        return Set(fields + ["op", "type", "id"])
    }

    /// The fields of a record's line that the contract does not define, as dotted paths
    /// (`requires.trainng`, `windows[0].form`), in the line's order.
    public func unknownFields(in object: JSONObject) -> [String] {
        var unknown = object.members.map(\.key).filter { !knownFields.contains($0) }
        func nested(_ key: String, _ known: Set<String>) {
            if case .object(let inner)? = object[key] {
                unknown += inner.members.map(\.key).filter { !known.contains($0) }.map { "\(key).\($0)" }
            }
        }
        func windows(_ value: JSONValue?, at path: String) {
            guard case .array(let items)? = value else { return }
            for (index, item) in items.enumerated() {
                if case .object(let window) = item {
                    unknown += window.members.map(\.key).filter { !["days", "from", "to"].contains($0) }.map { "\(path)[\(index)].\($0)" }
                }
            }
        }
        switch self {
        case .zone:
            nested("requires", ["approval", "permit", "nda", "escort", "trainings", "pin", "authenticated_card", "two_person"])
        case .schedule:
            windows(object["windows"], at: "windows")
            if case .array(let exceptions)? = object["exceptions"] {
                for (index, item) in exceptions.enumerated() {
                    guard case .object(let exception) = item else { continue }
                    unknown += exception.members.map(\.key).filter { !["date", "windows"].contains($0) }.map { "exceptions[\(index)].\($0)" }
                    windows(exception["windows"], at: "exceptions[\(index)].windows")
                }
            }
        default:
            break
        }
        return unknown
    }
}
