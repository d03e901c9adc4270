/// Doors, turnstiles and the inputs that watch them: each door's machine is driven by grants,
/// input changes and the passing of monotonic time, and what it says becomes outputs, events
/// and the state changes of passages.
extension AccessMachine {
    typealias Door = DoorMachine<PassageTicket>

    /// An input changed: a tamper switch, the fire alarm, or a door's contact, exit button or
    /// rotation sensor.
    mutating func inputChanged(_ change: InputChange, at moment: Moment, into step: inout AccessStep) {
        guard let input = settings.config.input(change.input) else {
            step.note(.warning, "change of an unknown input ignored", ["gpio.input": change.input])
            return
        }
        step.note(.info, "input handled", ["gpio.input": input.id, "gpio.role": input.role.rawValue, "gpio.active": "\(change.active)"])
        switch input.role {
        case .tamper:
            step.note(.warning, change.active ? "tamper switch opened" : "tamper switch closed again", ["gpio.input": input.id])
            step.events.append(settings.events.tamper(input, active: change.active, at: moment.wall, id: EventID.make(at: moment.wall)))
        case .fireAlarm:
            if change.active {
                _ = changeMode(to: DeviceMode(.evacuation), by: "input:\(input.id)", command: nil, at: moment, into: &step)
            } else {
                step.note(.notice, "fire alarm input back to rest; the evacuation lasts until the mode is changed", ["gpio.input": input.id])
            }
        case .doorContact, .exitButton, .rotation:
            for door in settings.config.doors(watching: input.id) {
                let event: Door.Event? =
                    switch input.role {
                    case .doorContact: change.active ? .contactOpened : .contactClosed
                    case .exitButton: change.active ? .exitRequested : nil
                    default: change.active ? .rotated : nil
                    }
                if let event { drive(door, event, at: moment, into: &step) }
            }
        }
    }

    /// Feeds one event to a door's machine, at the moment's monotonic time, and turns what it
    /// says into the step's outputs, events and effects.
    mutating func drive(_ door: DoorConfig, _ event: Door.Event, at moment: Moment, into step: inout AccessStep) {
        var machine = doors[door.id].flatMap { $0.config == door ? $0.machine : nil } ?? Door(door: door)
        let actions = machine.on(event, at: moment.monotonic)
        doors[door.id] = DoorSlot(config: door, machine: machine)
        perform(actions, door: door, at: moment, into: &step)
    }

    /// Time passes for every door: unused grants, doors held open.
    mutating func tickDoors(at moment: Moment, into step: inout AccessStep) {
        for door in settings.config.doors where doors[door.id] != nil {
            drive(door, .tick, at: moment, into: &step)
        }
    }

    /// Holds open every door `mode` releases (an evacuation frees fail-safe doors and every
    /// turnstile in its zones) and secures the others.
    mutating func applyMode(_ mode: DeviceMode, at moment: Moment, into step: inout AccessStep) {
        for door in settings.config.doors {
            drive(door, releases(door, in: mode) ? .release : .secure, at: moment, into: &step)
        }
    }

    /// Whether `mode` holds `door` open: an evacuation of its zone frees fail-safe doors and
    /// every turnstile.
    /// A drill releases them only where `[emergency] drill_releases_doors` says so.
    static func releases(_ door: DoorConfig, in mode: DeviceMode, drillReleasesDoors: Bool = false) -> Bool {
        mode.is(.evacuation, for: door.zone) && (door.failMode == .safe || door.kind == .turnstile) && (!mode.drill || drillReleasesDoors)
    }

    /// Whether the mode releases `door` on this device.
    func releases(_ door: DoorConfig, in mode: DeviceMode) -> Bool {
        Self.releases(door, in: mode, drillReleasesDoors: settings.config.emergency.drillReleasesDoors)
    }

    /// Changes the mode: `mode_changed` (and, when an evacuation starts, the muster list as it
    /// stands), the doors freed or secured, all in one step. False when the device is already
    /// in that mode: nothing is stored.
    mutating func changeMode(to mode: DeviceMode, by origin: String, command: String?, at moment: Moment, into step: inout AccessStep) -> Bool {
        guard mode != state.mode, !step.effects.contains(where: { if case .modeChanged = $0 { true } else { false } }) else { return false }
        step.note(.notice, "mode changed", ["device.mode": mode.kind.rawValue, "device.mode.previous": state.mode.kind.rawValue, "device.mode.origin": origin])
        step.events.append(settings.events.modeChanged(from: state.mode, to: mode, by: origin, at: moment.wall, id: EventID.make(at: moment.wall)))
        if mode.kind == .evacuation {
            if state.mode.kind != .evacuation || state.mode.drill != mode.drill || emergency.draft == nil {
                beginRollCall(mode, command: command, at: moment, into: &step)
            } else {
                widenRollCall(to: mode, at: moment)
            }
        } else {
            endRollCall(at: moment, into: &step)
        }
        step.effects.append(.modeChanged(mode))
        applyMode(mode, at: moment, into: &step)
        return true
    }

    private func perform(_ actions: [Door.Action], door: DoorConfig, at moment: Moment, into step: inout AccessStep) {
        let events = settings.events
        let time = moment.wall
        let metadata = ["gate.door": door.id]
        for action in actions {
            switch action {
            case .pulseRelay(let milliseconds):
                step.outputs.append(.pulse(door.relay, milliseconds: milliseconds))
            case .holdRelay(let active):
                step.outputs.append(.hold(door.relay, active: active))
                step.note(.notice, active ? "door held open for the evacuation" : "door secured", metadata)
            case .passage(let ticket):
                // What the passage changes, against the state as it will be with this step's
                // earlier changes (a turnstile's two waiting grants count one person once).
                let effects: [RuntimeEffect]
                if step.effects.isEmpty {
                    effects = ticket.effectsAtPassage(time, state: state)
                } else {
                    var then = state
                    for effect in step.effects { then.apply(effect) }
                    effects = ticket.effectsAtPassage(time, state: then)
                }
                step.events.append(events.passage(true, door: door, ticket: ticket, at: time, id: EventID.make(at: time)))
                step.events += events.visitorEvents(for: effects, kind: ticket.kind, door: door, reader: ticket.reader, makeID: EventID.make)
                step.effects += effects
            case .noPassage(let ticket):
                step.note(.info, "grant not used", metadata)
                step.events.append(events.passage(false, door: door, ticket: ticket, at: time, id: EventID.make(at: time)))
            case .doorForced:
                step.note(.warning, "door forced", metadata)
                step.events.append(events.doorForced(door, at: time, id: EventID.make(at: time)))
            case .preAlarm:
                step.note(.notice, "door open too long: pre-alarm", metadata)
                if let buzzer = door.buzzer { step.outputs.append(.hold(buzzer, active: true)) }
            case .doorHeld:
                step.note(.warning, "door held open", metadata)
                step.events.append(events.doorHeld(door, at: time, id: EventID.make(at: time)))
            case .closedAfterAlarm:
                if let buzzer = door.buzzer { step.outputs.append(.hold(buzzer, active: false)) }
            }
        }
    }
}

extension AccessMachine {
    /// What each configured door is doing, by door id (a door nothing has driven yet is locked).
    public var doorConditions: [String: DoorCondition] {
        Dictionary(uniqueKeysWithValues: settings.config.doors.map { door in
            (door.id, doors[door.id].flatMap { $0.config == door ? $0.machine.condition : nil } ?? .locked)
        })
    }
}
