/// Where a GPIO line is: a chip (`gpiochip0`) and a line offset on it.
public struct GPIOLineAddress: Sendable, Equatable {
    public var chip: String
    public var line: Int
    /// Whether the line's electrical low means active.
    public var activeLow: Bool
}

/// An output line driving a relay, buzzer or LED.
public struct OutputLineConfig: Sendable, Equatable {
    public enum SafeState: String, Sendable, CaseIterable { case inactive, active }

    public var id: String
    public var address: GPIOLineAddress
    /// The state it is set to at start and returns to on release.
    public var safeState: SafeState
}

/// An input line: a door contact, exit button, rotation sensor, tamper switch or fire alarm.
public struct InputLineConfig: Sendable, Equatable {
    public enum Role: String, Sendable, CaseIterable {
        case doorContact = "door_contact"
        case exitButton = "exit_button"
        case rotation
        case tamper
        case fireAlarm = "fire_alarm"
    }

    public var id: String
    public var address: GPIOLineAddress
    public var role: Role
    /// Changes shorter than this are ignored.
    public var debounceMilliseconds: Int
}
