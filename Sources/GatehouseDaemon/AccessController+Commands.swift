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
            let outcome = drive(door, .granted(PassageTicket(reader: nil, direction: .in), pulseMilliseconds: duration), at: time)
            logger.notice("door opened by remote command", metadata: metadata.merging(["gate.door": "\(door.id)"]) { $1 })
            events = [current.events.remoteOpen(door: door, command: command, mode: state.mode, at: time, id: EventID.make(at: time))] + outcome.events
            effects = outcome.effects
        case .mode(let mode):
            guard mode != state.mode else { return .success(.unchanged) }
            logger.notice("mode change ordered by remote command", metadata: metadata)
            let stored = changeMode(to: mode, by: "command:\(command.id)", command: command.id)
            guard !stored.isEmpty else { return .failure(DaemonError(code: "daemon.store", message: "the command's events could not be stored")) }
            return .success(.carriedOut(stored))
        case .muster:
            logger.notice("muster list requested", metadata: metadata)
            events = [current.events.muster(state, orderedBy: command.orderedBy, command: command.id, at: time, id: EventID.make(at: time))]
        case .resync, .ping:
            preconditionFailure("\(command.name) is the link's to answer, not the access thread's")
        }
        let stored = commit(events, effects: effects)
        guard !stored.isEmpty else { return .failure(DaemonError(code: "daemon.store", message: "the command's events could not be stored")) }
        return .success(.carriedOut(stored))
    }

    /// A mode change or a muster list asked for on the control socket.
    func carryOut(_ request: LocalRequest, origin: String) -> Result<[StoredEvent], DaemonError> {
        let stored: [StoredEvent]
        switch request {
        case .mode(let mode):
            guard mode != state.mode else { return .success([]) }
            stored = changeMode(to: mode, by: origin)
        case .muster:
            let time = now()
            logger.notice("muster list requested", metadata: ["muster.origin": "\(origin)"])
            stored = commit([currentSettings.events.muster(state, orderedBy: origin, command: nil, at: time, id: EventID.make(at: time))], effects: [])
        }
        guard !stored.isEmpty else { return .failure(DaemonError(code: "daemon.store", message: "the events could not be stored")) }
        return .success(stored)
    }
}
