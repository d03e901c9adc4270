import GatehouseCore
import GatehouseTesting
import Testing

/// Random scenarios: any of the three people at any door, either direction, any mode, with
/// occupancy and invite use scattered around, at a random time of the year.
private func randomScenario(_ random: inout SeededGenerator) -> EngineScenario {
    var scenario = EngineScenario()
    scenario.presentation = .credential(format: .uid, value: [EngineScenario.anna, EngineScenario.ben, EngineScenario.vera].randomElement(using: &random)!)
    scenario.at(EngineScenario.zoneIDs.randomElement(using: &random)!, Bool.random(using: &random) ? .in : .out)
    scenario.state.mode = DeviceMode([.normal, .normal, .lockdown, .evacuation].randomElement(using: &random)!)
    scenario.now = EngineScenario.now.adding(seconds: Int64.random(in: -200 * 86_400...200 * 86_400, using: &random))
    for person in ["anna", "ben", "vera"] where Bool.random(using: &random) {
        scenario.state.apply(.entered(.person(person), zone: EngineScenario.zoneIDs.randomElement(using: &random)!, at: scenario.now))
    }
    if Bool.random(using: &random) { scenario.policy.grants[0].schedule = ["office", "night"].randomElement(using: &random)! }
    if Bool.random(using: &random) { scenario.policy.applied?.expires = scenario.now.adding(seconds: Int64.random(in: -86_400...86_400, using: &random)) }
    if Bool.random(using: &random) { scenario.door?.stalePolicy = .useCache }
    return scenario
}

/// Every way of taking something away: revoking, suspending, expiring, cancelling.
private let restrictions: [(String, @Sendable (inout EngineScenario) -> Void)] = [
    ("revoke a badge", { s in s.policy.credentials[Int(s.now.millisecondsSinceEpoch & 1)].status = .revoked }),
    ("report every badge lost", { s in for index in s.policy.credentials.indices { s.policy.credentials[index].status = .lost } }),
    ("expire every badge", { s in for index in s.policy.credentials.indices { s.policy.credentials[index].validUntil = s.now } }),
    ("suspend everyone", { s in for id in s.policy.persons.keys { s.policy.persons[id]?.status = .suspended } }),
    ("revoke everyone", { s in for id in s.policy.persons.keys { s.policy.persons[id]?.status = .revoked } }),
    ("expire everyone", { s in for id in s.policy.persons.keys { s.policy.persons[id]?.validUntil = s.now } }),
    ("expire every grant", { s in for index in s.policy.grants.indices { s.policy.grants[index].validUntil = s.now } }),
    ("expire the approval", { s in s.policy.approvals[0].validUntil = s.now }),
    ("expire the training", { s in s.policy.trainings[0].validUntil = s.now }),
    ("suspend the permit", { s in s.policy.permits[0].status = .suspended }),
    ("expire the permit", { s in s.policy.permits[0].validUntil = s.now }),
    ("cancel the invite", { s in s.policy.invites["inv-1"]?.status = .cancelled }),
    ("expire the invite", { s in s.policy.invites["inv-1"]?.validUntil = s.now }),
    ("expire the bundle", { s in s.policy.applied?.expires = s.now }),
]

@Suite("Policy engine: invariants over random scenarios")
struct PolicyEnginePropertyTests {
    @Test("revoking, suspending or expiring anything never turns a denial into a grant")
    func restrictingNeverGrants() throws {
        var random = SeededGenerator(state: 20261122)
        for round in 0..<3000 {
            let scenario = randomScenario(&random)
            let before = try scenario.decide()
            let (name, restrict) = restrictions.randomElement(using: &random)!
            var restricted = scenario
            restrict(&restricted)
            let after = try restricted.decide()
            #expect(before.granted || !after.granted, "round \(round): \(name) turned \(before.reason.rawValue) into \(after.reason.rawValue)")
        }
    }

    @Test("an exit is never refused in evacuation, whoever presents and whatever the cache holds")
    func evacuationExits() async throws {
        var random = SeededGenerator(state: 7)
        let token = try await EngineScenario.token(site: "elsewhere")
        for round in 0..<1000 {
            var scenario = randomScenario(&random)
            scenario.state.mode = DeviceMode(.evacuation)
            scenario.direction = .out
            let (_, restrict) = restrictions.randomElement(using: &random)!
            restrict(&scenario)
            if round % 3 == 0 { scenario.policy.applied = nil }
            if round % 5 == 0 { scenario.presentation = token }
            if round % 7 == 0 { scenario.presentation = .credential(format: .code, value: "garbage") }
            #expect(try scenario.decide().reason == .grantedEvacuation, "round \(round)")
        }
    }
}
