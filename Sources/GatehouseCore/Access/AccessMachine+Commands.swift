extension AccessMachine {
    /// One remote command: the relay, the mode and the headcount belong to the access path.
    /// Signature, audience, times, replay and arguments were checked by the link; `resync` and
    /// `ping` are the link's to answer.
    mutating func carryOut(_ command: RemoteCommand, at moment: Moment, policy: some PolicyView, into step: inout AccessStep) {
        let metadata = ["command.id": command.id, "command.name": command.name, "command.by": command.orderedBy]
        switch command.action {
        case .open(let doorID, let duration):
            guard let door = settings.config.door(doorID) else {
                step.note(.warning, "remote open of an unknown door refused", metadata.merging(["gate.door": doorID]) { $1 })
                step.reply = .unknownDoor(doorID)
                return
            }
            step.note(.notice, "door opened by remote command", metadata.merging(["gate.door": door.id]) { $1 })
            // The command's own event first, then what the door's machine says.
            step.events.append(settings.events.remoteOpen(door: door, command: command, mode: state.mode, at: moment.wall, id: EventID.make(at: moment.wall)))
            drive(door, .granted(PassageTicket(reader: nil, direction: .in), pulseMilliseconds: duration), at: moment, into: &step)
            step.reply = .carriedOut
        case .mode(let mode):
            step.note(.notice, "mode change ordered by remote command", metadata)
            step.reply = requestMode(ModeRequest(mode.kind, zones: mode.zones, drill: mode.drill), by: "command:\(command.id)", command: command.id, at: moment, policy: policy, into: &step)
        case .muster:
            step.note(.notice, "muster list requested", metadata)
            step.events.append(settings.events.muster(state, orderedBy: command.orderedBy, command: command.id, at: moment.wall, id: EventID.make(at: moment.wall)))
            step.reply = .carriedOut
        case .resync, .ping:
            preconditionFailure("\(command.name) is the link's to answer, not the access machine's")
        }
    }

    /// A mode change asked for (``ModeRequest``), its zones checked against the cache's.
    mutating func requestMode(
        _ request: ModeRequest, by origin: String, command: String?, at moment: Moment, policy: some PolicyView, into step: inout AccessStep
    ) -> AccessStep.Reply {
        // The platform's evacuations are taken as named (ModeRequest).
        let lenient = command != nil
        var known: [String] = []
        if request.zones != nil {
            do {
                known = try policy.zoneIDs()
            } catch where !(lenient && request.kind == .evacuation) {
                step.note(.error, "mode change not carried out: the cache's zones cannot be read", ["device.mode.origin": origin, "error": "\(error)"])
                return .failed("the cache's zones cannot be read: \(error)")
            } catch {
                step.note(.error, "the cache's zones cannot be read; evacuating the zones as named", ["device.mode.origin": origin, "error": "\(error)"])
            }
        }
        switch request.outcome(from: state.mode, known: known, lenient: lenient) {
        case .change(let mode):
            if let unknown = request.zones?.filter({ !known.contains($0) && !(state.mode.zones ?? []).contains($0) }), !unknown.isEmpty {
                step.note(.warning, "evacuating zones the cache does not hold", ["device.mode.origin": origin, "device.mode.zones": unknown.joined(separator: ",")])
            }
            return changeMode(to: mode, by: origin, command: command, at: moment, into: &step) ? .carriedOut : .unchanged
        case .unchanged:
            return .unchanged
        case .refused(let why):
            step.note(.warning, "mode change refused", ["device.mode.origin": origin, "refusal.reason": "bad_zones", "refusal.detail": why])
            return .refused(why)
        }
    }
}
