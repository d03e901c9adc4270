import GatehouseAdmin
import GatehouseCore
import GatehouseTesting

/// A small site for the engine's tests: one door per zone, each zone with one requirement,
/// and people who meet them. Times are Monday 2026-11-23 10:00 UTC (11:00 in Berlin).
struct EngineScenario: Sendable {
    static let site = "acme"
    static let now = Timestamp(rfc3339: "2026-11-23T10:00:00Z")!
    static let inviteKeys = TestKeys(kid: "invite-1", purpose: .invite)
    /// Same kid, another key: its signatures do not verify.
    static let forgerKeys = TestKeys(kid: "invite-1", purpose: .invite)
    static let zoneIDs = ["site", "lab", "hv", "works", "meeting", "vault", "hall", "booth", "yard", "plant"]

    var policy = MemoryPolicy()
    var state = RuntimeState()
    var settings = GatehouseConfig.Policy()
    var presentation: Presentation = .credential(format: .uid, value: anna)
    var door: DoorConfig? = DoorConfig(id: "site", zone: "site", relay: "relay")
    var direction: ReaderConfig.Direction = .in
    var now = EngineScenario.now

    static let anna = "04A1A1A1A1A1A1"
    static let ben = "04B2B2B2B2B2B2"
    static let vera = "04C3C3C3C3C3C3"

    init() {
        policy.zones = [
            "site": Zone(id: "site", level: .public),
            "lab": Zone(id: "lab", level: .restricted, requires: .init(approval: true)),
            "hv": Zone(id: "hv", level: .controlled, requires: .init(trainings: ["hv-safety"])),
            "works": Zone(id: "works", level: .controlled, requires: .init(permit: true)),
            "meeting": Zone(id: "meeting", level: .public, requires: .init(nda: true)),
            "vault": Zone(id: "vault", level: .high_security, requires: .init(escort: true)),
            "hall": Zone(id: "hall", level: .public, antiPassback: .hard),
            "booth": Zone(id: "booth", level: .public, capacity: 1),
            "yard": Zone(id: "yard", level: .public, antiPassback: .soft),
            "plant": Zone(id: "plant", level: .public, schedule: "office"),
        ]
        let weekdays: [Schedule.Weekday] = [.mon, .tue, .wed, .thu, .fri]
        policy.schedules = [
            "office": Schedule(id: "office", timeZone: "Europe/Berlin", windows: [.init(days: weekdays, fromMinute: 360, toMinute: 1200)]),
            "night": Schedule(id: "night", timeZone: "Europe/Berlin", windows: [.init(days: Schedule.Weekday.allCases, fromMinute: 1320, toMinute: 360)]),
        ]
        policy.add(Person(id: "anna", kind: .employee, roles: ["responder", "escort", "guard"]), uid: Self.anna, zones: Self.zoneIDs)
        policy.add(Person(id: "ben", kind: .contractor), uid: Self.ben, zones: ["site"])
        policy.add(Person(id: "vera", kind: .visitor), uid: Self.vera, zones: Self.zoneIDs)
        let year = (from: Timestamp(rfc3339: "2026-01-01T00:00:00Z")!, until: Timestamp(rfc3339: "2027-01-01T00:00:00Z")!)
        policy.approvals = [Approval(id: "ap", person: "anna", zone: "lab", validFrom: year.from, validUntil: year.until, approvedBy: "boss")]
        policy.trainings = [Training(id: "tr", person: "anna", module: "hv-safety", validUntil: year.until)]
        policy.permits = [Permit(id: "pm", persons: ["anna"], zone: "works", validFrom: year.from, validUntil: year.until, status: .active, reference: "PTW-1")]
        policy.invites = [
            "inv-1": Invite(id: "inv-1", kind: .visitor, host: "anna", zones: ["site", "meeting", "vault"], validFrom: year.from, validUntil: year.until, ndaSigned: true)
        ]
    }

    /// Sends the request through `zone`'s door.
    mutating func at(_ zone: String, _ direction: ReaderConfig.Direction = .in) {
        door = DoorConfig(id: zone, zone: zone, relay: "relay")
        self.direction = direction
    }

    func decide() throws -> AccessDecision {
        let engine = PolicyEngine(site: Self.site, settings: settings, inviteKeys: Self.inviteKeys.trust, timeZones: Self.timeZones)
        let request = AccessRequest(reader: "reader", door: door, direction: direction, checkpoint: door == nil ? "cp" : nil, presentation: presentation, time: now)
        return try engine.decide(request, in: policy, state: state)
    }

    static let timeZones = TimeZoneCatalog()

    /// A visitor token for `invite`, valid around `now`, signed with `keys`.
    static func token(invite: String = "inv-1", site: String = site, keys: TestKeys = inviteKeys, notBefore: Timestamp = now.adding(seconds: -600), lifetime: Int64 = 3600, zones: [String]? = nil) async throws -> Presentation {
        .token(try await TokenMinter.visitorToken(key: keys.key, site: site, invite: invite, notBefore: notBefore, lifetimeSeconds: lifetime, zones: zones))
    }
}
