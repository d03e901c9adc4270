/// The record types of a whitelist bundle (protocol section 3).
public enum RecordType: String, Sendable, CaseIterable, Codable {
    case person, credential, zone, schedule, grant, approval, training, permit, invite, checkpoint, route
}
