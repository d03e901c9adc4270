/// The two-person rule (contract 7.5): at a door into a zone with `requires.two_person`, the
/// first granted person is held at the reader ("second person wanted", its LED held) and nothing
/// opens; a second, different person granted at a reader of the same door within `within_s`
/// opens it once for both, each decision naming the other as `companion`. A first person left
/// alone is denied `two_person_timeout`. The same person twice, or one person with two
/// credentials, never makes two. Lockdown and evacuation come first: the engine decides them
/// before any zone requirement.
extension AccessMachine {
    /// The first of a pair, waiting at a door.
    struct HeldFirst: Sendable {
        var request: AccessRequest
        var decision: AccessDecision
        var fingerprint: String
        /// When they were held, on the monotonic clock, and for how long.
        var since: Int64
        var withinMilliseconds: Int64
    }

    /// A granted `decision` at a two-person door: the first of the pair held (nil: the reply is
    /// `companionWanted`), or the first this one completes, both decisions naming each other.
    mutating func pairUp(
        _ decision: inout AccessDecision, _ request: AccessRequest, fingerprint: String, moment: Moment, into step: inout AccessStep
    ) -> (request: AccessRequest, decision: AccessDecision, fingerprint: String)? {
        guard let door = request.door, let within = decision.companionWithinSeconds else { return nil }
        if var first = heldFirsts[door.id], moment.monotonic - first.since <= first.withinMilliseconds {
            guard first.decision.occupant != decision.occupant, first.decision.occupant != nil else {
                // The same person again (another credential of theirs, or the same one): still one.
                step.note(.notice, "two-person door: the same person again; still waiting for a second", Self.metadata(decision, request, fingerprint: fingerprint))
                hold(decision, request, into: &step)
                return nil
            }
            heldFirsts[door.id] = nil
            first.decision.companion = decision.person ?? decision.invite
            first.decision.waitsForCompanion = false
            decision.companion = first.decision.person ?? first.decision.invite
            step.note(.info, "two-person door: the second person; it opens for both", ["gate.door": door.id])
            return (first.request, first.decision, first.fingerprint)
        }
        heldFirsts[door.id] = HeldFirst(request: request, decision: decision, fingerprint: fingerprint, since: moment.monotonic, withinMilliseconds: Int64(within) * 1000)
        step.note(.notice, "two-person door: second person wanted", Self.metadata(decision, request, fingerprint: fingerprint))
        hold(decision, request, into: &step)
        return nil
    }

    private func hold(_ decision: AccessDecision, _ request: AccessRequest, into step: inout AccessStep) {
        var held = decision
        held.waitsForCompanion = true
        signal(.pinWanted, at: request.reader, into: &step)
        step.reply = .companionWanted(request, held)
    }

    /// A first person left alone past `within_s`: denied `two_person_timeout`.
    mutating func expireHeldFirsts(at moment: Moment, into step: inout AccessStep) {
        for (door, first) in heldFirsts where moment.monotonic - first.since > first.withinMilliseconds {
            heldFirsts[door] = nil
            var decision = first.decision.with(.twoPersonTimeout)
            decision.companionWithinSeconds = nil
            step.events += settings.events.events(for: decision, request: first.request, effects: [], mode: state.mode, fingerprint: first.fingerprint, makeID: EventID.make)
            step.note(.notice, "access denied", Self.metadata(decision, first.request, fingerprint: first.fingerprint))
            signal(.denied, at: first.request.reader, into: &step)
        }
    }
}
