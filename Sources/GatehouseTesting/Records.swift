/// NDJSON record lines for fixtures, written as the wire carries them.
public enum Records {
    public static func person(_ id: String, kind: String = "employee", status: String = "active", roles: [String] = []) -> String {
        #"{"op":"put","type":"person","id":"\#(id)","kind":"\#(kind)","roles":[\#(roles.map { "\"\($0)\"" }.joined(separator: ","))],"status":"\#(status)"}"#
    }

    public static func badge(_ id: String, person: String, uid: String, status: String = "active") -> String {
        #"{"op":"put","type":"credential","id":"\#(id)","person":"\#(person)","format":"uid","value":"\#(uid)","status":"\#(status)"}"#
    }

    public static func zone(_ id: String, level: String = "public") -> String {
        #"{"op":"put","type":"zone","id":"\#(id)","level":"\#(level)","anti_passback":"none"}"#
    }

    public static func grant(_ id: String, person: String, zones: [String]) -> String {
        #"{"op":"put","type":"grant","id":"\#(id)","person":"\#(person)","zones":[\#(zones.map { "\"\($0)\"" }.joined(separator: ","))]}"#
    }

    public static func delete(_ type: String, _ id: String) -> String {
        #"{"op":"del","type":"\#(type)","id":"\#(id)"}"#
    }

    /// `count` people, each with one badge whose UID is derived from its number.
    public static func staff(_ count: Int, offset: Int = 0) -> [String] {
        (offset..<offset + count).flatMap { index in
            [person("p-\(index)"), badge("c-\(index)", person: "p-\(index)", uid: uid(index))]
        }
    }

    /// A 7-byte UID for a number, as the cache stores it.
    public static func uid(_ index: Int) -> String {
        let hex = String(index, radix: 16, uppercase: true)
        return "04" + String(repeating: "0", count: 12 - hex.count) + hex
    }
}
