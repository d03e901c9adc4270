extension AccessMachine {
    /// Follows the clock floor (contract 7.4): the first moment of an episode whose system clock
    /// is behind the floor raises `alarm.clock_suspect` and a warning, once per episode (kept
    /// in the store, so a restart in the middle of one raises nothing new); the first moment
    /// past the floor again ends it, with a notice.
    mutating func followClock(at moment: Moment, into step: inout AccessStep) {
        let noted = step.effects.contains { if case .clockSuspected = $0 { true } else { false } }
        guard !noted else { return }
        if let system = moment.systemBelowFloor {
            guard state.clockSuspectFloor == nil else { return }
            step.note(
                .warning, "the system clock is behind the clock floor: deciding with the floor until it is past it again",
                ["clock.system_time": system.rfc3339, "clock.floor": moment.wall.rfc3339])
            step.events.append(settings.events.clockSuspect(systemTime: system, floor: moment.wall, id: EventID.make(at: moment.wall)))
            step.effects.append(.clockSuspected(floor: moment.wall))
        } else if let floor = state.clockSuspectFloor {
            step.note(.notice, "the system clock is past the clock floor again", ["clock.system_time": moment.wall.rfc3339, "clock.floor": floor.rfc3339])
            step.effects.append(.clockSuspected(floor: nil))
        }
    }
}
