/// The JSON messages the device publishes besides events (protocol section 4).
public enum LinkMessage {
    /// What an ack answers.
    public enum AckSubject: String, Sendable { case bundle, cmd }

    /// The result an ack reports.
    public enum AckResult: String, Sendable { case applied, noop, rejected }

    /// Why the device asks for a snapshot.
    public enum SnapshotReason: String, Sendable, CaseIterable {
        /// It holds no policy at all.
        case noPolicy = "no_policy"
        /// Its policy's `expires` has passed.
        case policyStale = "policy_stale"
        /// A delta did not apply on its version.
        case baseMismatch = "base_mismatch"
        /// A `resync` command asked for it.
        case resync
    }

    /// The retained status: `online`, or `offline` as the will message.
    public static func status(online: Bool, at time: Timestamp, software: String, bundle: Int64?, mode: DeviceMode, clockSuspect: Bool = false) -> String {
        JSONValue.object(JSONObject([
            ("state", .string(online ? "online" : "offline")), ("ts", .string(time.rfc3339)), ("software", .string(software)),
            ("bundle", bundle.map(JSONValue.integer) ?? .null), ("mode", .string(mode.kind.rawValue)),
            ("clock", .string(clockSuspect ? "suspect" : "ok")),
            ("features", .array(features.map(JSONValue.string))),
        ])).serialized
    }

    /// The contract's version 1.1 additions this device implements (section 7).
    public static let features = ["authenticated_cards", "card", "clock_floor", "mustering", "pin", "two_person"]

    /// An ack. `id` is the bundle's version (a number) or the command's `jti` (a string);
    /// `version` is the bundle version the device holds after handling the message.
    public static func ack(for subject: AckSubject, id: JSONValue, result: AckResult, reason: String?, version: Int64?, at time: Timestamp) -> String {
        JSONValue.object(JSONObject([
            ("for", .string(subject.rawValue)), ("id", id), ("result", .string(result.rawValue)),
            ("reason", reason.map(JSONValue.string) ?? .null), ("version", version.map(JSONValue.integer) ?? .null),
            ("ts", .string(time.rfc3339)),
        ])).serialized
    }

    /// A snapshot request; `have` is the applied version, 0 without a policy.
    public static func snapshotRequest(have: Int64?, reason: SnapshotReason) -> String {
        JSONValue.object(JSONObject([
            ("want", .string("snapshot")), ("have", .integer(have ?? 0)), ("reason", .string(reason.rawValue)),
        ])).serialized
    }
}
