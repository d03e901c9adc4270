import GatehouseCore
import GatehouseStore
import Logging

extension AccessController {
    /// One remote command, on the access thread: the relay, the mode and the headcount belong
    /// to it. Signature, audience, times, replay and arguments were checked by the link.
    func carryOut(_ command: RemoteCommand) -> Result<CommandOutcome, DaemonError> {
        let current = currentSettings
        let time = now()
        let metadata: Logger.Metadata = ["command.id": "\(command.id)", "command.name": "\(command.name)", "command.by": "\(command.orderedBy)"]
        let events: [PendingEvent]
        var effects: [RuntimeEffect] = []
        switch command.action {
        case .open(let doorID, let duration):
            guard let door = current.config.door(doorID) else {
                return .failure(DaemonError(code: "daemon.request", message: "no door \"\(doorID)\" in the configuration"))
            }
            outputs.pulse(door.relay, milliseconds: duration ?? door.pulseMilliseconds)
            logger.notice("door opened by remote command", metadata: metadata.merging(["gate.door": "\(door.id)"]) { $1 })
            events = [current.events.remoteOpen(door: door, command: command, mode: state.mode, at: time, id: EventID.make(at: time))]
        case .mode(let mode):
            guard mode != state.mode else { return .success(.unchanged) }
            logger.notice(
                "mode changed by remote command",
                metadata: metadata.merging(["device.mode": "\(mode.kind.rawValue)", "device.mode.previous": "\(state.mode.kind.rawValue)"]) { $1 })
            events = [current.events.modeChanged(from: state.mode, to: mode, by: "command:\(command.id)", at: time, id: EventID.make(at: time))]
            effects = [.modeChanged(mode)]
        case .muster:
            logger.notice("muster list requested", metadata: metadata)
            events = [current.events.muster(state, command: command, at: time, id: EventID.make(at: time))]
        case .resync, .ping:
            preconditionFailure("\(command.name) is the link's to answer, not the access thread's")
        }
        let stored = commit(events, effects: effects)
        guard !stored.isEmpty else { return .failure(DaemonError(code: "daemon.store", message: "the command's events could not be stored")) }
        return .success(.carriedOut(stored))
    }
}
