extension AccessMachine {
    /// One remote command: the relay, the mode and the headcount belong to the access path.
    /// Signature, audience, times, replay and arguments were checked by the link; `resync` and
    /// `ping` are the link's to answer.
    mutating func carryOut(_ command: RemoteCommand, at moment: Moment, into step: inout AccessStep) {
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
            step.reply = changeMode(to: mode, by: "command:\(command.id)", command: command.id, at: moment, into: &step) ? .carriedOut : .unchanged
        case .muster:
            step.note(.notice, "muster list requested", metadata)
            step.events.append(settings.events.muster(state, orderedBy: command.orderedBy, command: command.id, at: moment.wall, id: EventID.make(at: moment.wall)))
            step.reply = .carriedOut
        case .resync, .ping:
            preconditionFailure("\(command.name) is the link's to answer, not the access machine's")
        }
    }
}
