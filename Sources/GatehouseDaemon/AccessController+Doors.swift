import GatehouseCore
import GatehouseStore
import Logging

/// Doors, turnstiles and the inputs that watch them, on the access thread: each door's state
/// machine is driven by grants, input changes and the passing of time, and what it says is done
/// here: the relay pulsed or held, the buzzer sounded, the events and passages stored.
extension AccessController {
    typealias Door = DoorMachine<PassageTicket>

    /// An input changed (a door contact, an exit button, a rotation, a tamper switch, the fire
    /// alarm): queued for the access thread. Called on the GPIO port's thread.
    public func inputChanged(_ change: InputChange) {
        if !jobs.push(.input(change)) {
            logger.error("input change dropped: the access queue is full or shutting down", metadata: ["gpio.input": "\(change.input)"])
        }
    }

    func handleInput(_ change: InputChange) {
        let current = currentSettings
        guard let input = current.config.input(change.input) else { return }
        let time = now()
        logger.info("input handled", metadata: ["gpio.input": "\(input.id)", "gpio.role": "\(input.role.rawValue)", "gpio.active": "\(change.active)"])
        switch input.role {
        case .tamper:
            logger.warning(change.active ? "tamper switch opened" : "tamper switch closed again", metadata: ["gpio.input": "\(input.id)"])
            commit([current.events.tamper(input, active: change.active, at: time, id: EventID.make(at: time))], effects: [])
        case .fireAlarm:
            if change.active {
                _ = changeMode(to: DeviceMode(.evacuation), by: "input:\(input.id)")
            } else {
                logger.notice("fire alarm input back to rest; the evacuation lasts until the mode is changed", metadata: ["gpio.input": "\(input.id)"])
            }
        case .doorContact, .exitButton, .rotation:
            for door in current.config.doors(watching: input.id) {
                let event: Door.Event? =
                    switch input.role {
                    case .doorContact: change.active ? .contactOpened : .contactClosed
                    case .exitButton: change.active ? .exitRequested : nil
                    default: change.active ? .rotated : nil
                    }
                if let event { commit(drive(door, event, at: time)) }
            }
        }
    }

    /// Feeds one event to a door's machine and does what it says at once (relays, buzzer);
    /// returns the events and state changes to store.
    func drive(_ door: DoorConfig, _ event: Door.Event, at time: Timestamp) -> DoorOutcome {
        var machine = doors[door.id].flatMap { $0.config == door ? $0.machine : nil } ?? Door(door: door)
        let actions = machine.on(event, at: time.millisecondsSinceEpoch)
        doors[door.id] = (door, machine)
        return perform(actions, door: door, at: time)
    }

    /// Time passes for every door: unused grants, doors held open.
    func tickDoors() {
        let time = now()
        for door in currentSettings.config.doors where doors[door.id] != nil {
            commit(drive(door, .tick, at: time))
        }
    }

    /// Holds open every door the mode releases (an evacuation frees fail-safe doors and every
    /// turnstile in its zones) and secures the others. At start, and after every mode change.
    func applyModeToDoors() {
        let time = now()
        for door in currentSettings.config.doors {
            let released = state.mode.is(.evacuation, for: door.zone) && (door.failMode == .safe || door.kind == .turnstile)
            commit(drive(door, released ? .release : .secure, at: time))
        }
    }

    private func perform(_ actions: [Door.Action], door: DoorConfig, at time: Timestamp) -> DoorOutcome {
        var outcome = DoorOutcome()
        let events = currentSettings.events
        let metadata: Logger.Metadata = ["gate.door": "\(door.id)"]
        for action in actions {
            switch action {
            case .pulseRelay(let milliseconds):
                outputs.pulse(door.relay, milliseconds: milliseconds)
            case .holdRelay(let active):
                outputs.hold(door.relay, active: active)
                logger.notice(active ? "door held open for the evacuation" : "door secured", metadata: metadata)
            case .passage(let ticket):
                outcome.events.append(events.passage(true, door: door, ticket: ticket, at: time, id: EventID.make(at: time)))
                outcome.effects += ticket.deferredEffects
            case .noPassage(let ticket):
                logger.info("grant not used", metadata: metadata)
                outcome.events.append(events.passage(false, door: door, ticket: ticket, at: time, id: EventID.make(at: time)))
            case .doorForced:
                logger.warning("door forced", metadata: metadata)
                outcome.events.append(events.doorForced(door, at: time, id: EventID.make(at: time)))
            case .preAlarm:
                logger.notice("door open too long: pre-alarm", metadata: metadata)
                if let buzzer = door.buzzer { outputs.hold(buzzer, active: true) }
            case .doorHeld:
                logger.warning("door held open", metadata: metadata)
                outcome.events.append(events.doorHeld(door, at: time, id: EventID.make(at: time)))
            case .closedAfterAlarm:
                if let buzzer = door.buzzer { outputs.hold(buzzer, active: false) }
            }
        }
        return outcome
    }

    /// Changes the mode, stores `mode_changed` (and, when an evacuation starts, the muster list
    /// as it stands), then frees or secures the doors. Unchanged: nothing is stored.
    func changeMode(to mode: DeviceMode, by origin: String, command: String? = nil) -> [StoredEvent] {
        guard mode != state.mode else { return [] }
        let current = currentSettings
        let time = now()
        logger.notice(
            "mode changed", metadata: ["device.mode": "\(mode.kind.rawValue)", "device.mode.previous": "\(state.mode.kind.rawValue)", "device.mode.origin": "\(origin)"])
        var events = [current.events.modeChanged(from: state.mode, to: mode, by: origin, at: time, id: EventID.make(at: time))]
        if mode.kind == .evacuation {
            events.append(current.events.muster(state, orderedBy: "evacuation", command: command, at: time, id: EventID.make(at: time)))
        }
        let stored = commit(events, effects: [.modeChanged(mode)])
        if !stored.isEmpty { applyModeToDoors() }
        return stored
    }

    func commit(_ outcome: DoorOutcome) {
        if !outcome.events.isEmpty || !outcome.effects.isEmpty { commit(outcome.events, effects: outcome.effects) }
    }
}

/// What a door's machine gave to store: events and the state changes of passages.
struct DoorOutcome {
    var events: [PendingEvent] = []
    var effects: [RuntimeEffect] = []
}
