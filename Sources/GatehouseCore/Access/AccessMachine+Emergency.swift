/// The evacuation's roll call (contract 7.5): begun with the evacuation, moved by each step's
/// entries and exits and by musters at this device's muster points or another device's,
/// republished as `emergency.muster` when it changes (at most every 5 s), `emergency.all_clear`
/// once everyone is accounted for, `emergency.drill_report` when a drill ends.
extension AccessMachine {
    /// What the machine keeps of the roll call between steps, in memory only.
    struct EmergencyMemory: Sendable {
        /// The roll call as this step is leaving it; the state's copy until the step is stored.
        var draft: RollCall?
        /// When `emergency.muster` was last published (monotonic), and what it said.
        var published: (at: Int64, roll: [String: [Int]])?
    }

    /// The shortest time between two `emergency.muster` events of one evacuation.
    public static let musterIntervalMilliseconds: Int64 = 5000

    /// The evacuation began (or a real one replaced a drill): a roll call of who is inside, and
    /// the muster list with it.
    mutating func beginRollCall(_ mode: DeviceMode, command: String?, at moment: Moment, into step: inout AccessStep) {
        let call = RollCall(started: moment.wall, zones: mode.zones, drill: mode.drill, inside: state.zonesByOccupant)
        emergency.draft = call
        step.note(.notice, mode.drill ? "evacuation drill: roll call begun" : "evacuation: roll call begun", ["muster.unaccounted": "\(call.unaccountedCount)"])
        publishMuster(call, orderedBy: "evacuation", command: command, at: moment, into: &step)
    }

    /// The evacuation's zones grew: those inside the new zones are counted too.
    mutating func widenRollCall(to mode: DeviceMode, at moment: Moment) {
        guard var call = emergency.draft else { return }
        let before = call.zones
        call.zones = mode.zones
        for (occupant, zones) in state.zonesByOccupant {
            for zone in zones where call.covers(zone) && !(before.map { $0.contains(zone) } ?? true) {
                call.cover(occupant, zone: zone, at: moment.wall)
            }
        }
        emergency.draft = call
    }

    /// The evacuation ended: a drill's report, and no roll call.
    mutating func endRollCall(at moment: Moment, into step: inout AccessStep) {
        guard let call = emergency.draft else { return }
        if call.drill {
            step.events.append(settings.events.drillReport(call, ended: moment.wall, at: moment.wall, id: EventID.make(at: moment.wall)))
            step.note(.notice, "evacuation drill ended: report stored", ["muster.unaccounted": "\(call.unaccountedCount)"])
        }
        emergency.draft = nil
        emergency.published = nil
    }

    /// A credential at a muster point: marked safe during an evacuation, `emergency.mustered`
    /// and a chirp; outside one, `not_evacuating`; an unknown or invalid credential, its reason.
    mutating func muster(_ request: AccessRequest, moment: Moment, policy: some PolicyView, into step: inout AccessStep) {
        var decision: AccessDecision
        do {
            decision = try settings.engine.identify(request, in: policy).decision
        } catch {
            step.note(.error, "cannot read the policy cache", ["gate.reader": request.reader, "error": "\(error)"])
            decision = AccessDecision(reason: .noPolicy)
        }
        let fingerprint = request.presentation.fingerprint(site: settings.config.site)
        if decision.granted, let occupant = decision.occupant, var call = emergency.draft {
            let (zoneLeft, new) = call.mustered(occupant, at: moment.wall, reader: request.reader)
            emergency.draft = call
            decision = decision.with(.mustered)
            if new {
                step.events.append(settings.events.mustered(occupant, reader: request.reader, zoneLeft: zoneLeft, drill: call.drill, at: moment.wall, id: EventID.make(at: moment.wall)))
            }
            step.note(.notice, new ? "mustered" : "mustered already", ["gate.reader": request.reader, "muster.who": occupant.description])
            signal(.granted, at: request.reader, into: &step)
        } else {
            if decision.granted { decision = decision.with(.notEvacuating) }
            step.events += settings.events.events(for: decision, request: request, effects: [], mode: state.mode, fingerprint: fingerprint, makeID: EventID.make)
            step.note(.notice, "muster refused", Self.metadata(decision, request, fingerprint: fingerprint))
            signal(.denied, at: request.reader, into: &step)
        }
        step.reply = .decided(request, decision)
    }

    /// Another device of the site mustered someone: counted here as if tapped at our muster point.
    mutating func remoteMustered(_ occupant: Occupant, device: String, reader: String, at moment: Moment, into step: inout AccessStep) {
        guard var call = emergency.draft else { return }
        let (_, new) = call.mustered(occupant, at: moment.wall, reader: "\(device)/\(reader)")
        emergency.draft = call
        if new { step.note(.info, "mustered at another device", ["muster.device": device, "muster.who": occupant.description]) }
    }

    /// After each input: the step's entries and exits moved into the roll call, its change
    /// stored with the step, and the muster list or the all clear published when due.
    mutating func followRollCall(at moment: Moment, into step: inout AccessStep) {
        guard var call = emergency.draft else {
            if state.rollCall != nil { step.effects.append(.rollCall(nil)) }
            return
        }
        for effect in step.effects {
            switch effect {
            case .entered(let occupant, let zone, let time): call.entered(occupant, zone: zone, at: time)
            case .left(let occupant, let zone): call.left(occupant, zone: zone, at: moment.wall)
            default: break
            }
        }
        emergency.draft = call
        guard call != state.rollCall else { return }
        step.effects.append(.rollCall(call))
        let justCleared = call.cleared != nil && state.rollCall?.cleared == nil
        let due = emergency.published.map { moment.monotonic - $0.at >= Self.musterIntervalMilliseconds } ?? true
        if Self.summary(call) != emergency.published?.roll, justCleared || due {
            publishMuster(call, orderedBy: "evacuation", command: nil, at: moment, into: &step)
        }
        if justCleared {
            step.note(.notice, "all clear: everyone accounted for", ["muster.zones": call.countedZones.joined(separator: ",")])
            step.events.append(settings.events.allClear(call, at: moment.wall, id: EventID.make(at: moment.wall)))
        }
    }

    /// A roll call that changed while the last list was too recent is published once its 5 s are up.
    mutating func republishRollCallIfDue(at moment: Moment, into step: inout AccessStep) {
        guard let call = emergency.draft, let published = emergency.published,
            moment.monotonic - published.at >= Self.musterIntervalMilliseconds, Self.summary(call) != published.roll
        else { return }
        publishMuster(call, orderedBy: "evacuation", command: nil, at: moment, into: &step)
    }

    private mutating func publishMuster(_ call: RollCall, orderedBy: String, command: String?, at moment: Moment, into step: inout AccessStep) {
        var then = state
        for effect in step.effects { then.apply(effect) }
        step.events.append(settings.events.muster(then, orderedBy: orderedBy, command: command, rollCall: call, at: moment.wall, id: EventID.make(at: moment.wall)))
        emergency.published = (moment.monotonic, Self.summary(call))
    }

    /// Accounted and unaccounted counts by zone: what a new muster list would change.
    static func summary(_ call: RollCall) -> [String: [Int]] {
        Dictionary(uniqueKeysWithValues: call.countedZones.map { zone in
            let (accounted, unaccounted) = call.roll(of: zone)
            return (zone, [accounted.count, unaccounted.count])
        })
    }
}
