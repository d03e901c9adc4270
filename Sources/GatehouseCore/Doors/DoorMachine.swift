/// One door's life between its relay, its contact and its exit button, or one turnstile's
/// between its relay and its rotation sensor: a state machine driven by events and by the time
/// they carry (milliseconds on any monotonic clock). The caller does what the actions say:
/// pulse the relay, sound the buzzer, store the events.
///
/// A door: a grant or an exit request unlocks it for its pulse. The contact opening inside that
/// window after a grant is a `passage`; a grant not used in time is `no_passage`. The contact
/// opening with no grant and no exit request is `door_forced`. A door open longer than its
/// held-open time gets a pre-alarm first (the buzzer, ``preAlarmLeadMilliseconds`` before the
/// limit), then `door_held`; closing it ends both. A turnstile: each rotation uses one grant and
/// is its passage; a grant no rotation used in time is `no_passage`; a rotation without a grant
/// is forced.
public struct DoorMachine: Sendable, Equatable {
    public enum Event: Sendable, Equatable {
        /// Access was granted at this door (a badge, a token, a remote `open`).
        case granted
        /// The exit button (request to exit) was pressed.
        case exitRequested
        case contactOpened
        case contactClosed
        /// The turnstile turned once.
        case rotated
        /// Time passed; the caller ticks at least once a second.
        case tick
    }

    public enum Action: Sendable, Equatable {
        /// Unlock: pulse the door's relay for this long.
        case pulseRelay(milliseconds: Int)
        case passage
        case noPassage
        case doorForced
        /// The door is about to be held open too long: sound the buzzer.
        case preAlarm
        case doorHeld
        /// The door closed after a pre-alarm or a held alarm: silence the buzzer.
        case closedAfterAlarm
    }

    private enum Unlock: Equatable, Sendable {
        case grant
        case exitRequest
    }

    /// An unlocked door: until when, and why.
    private struct Window: Equatable, Sendable {
        var until: Int64
        var by: Unlock
    }

    public let kind: DoorConfig.Kind
    public let pulseMilliseconds: Int64
    public let heldOpenMilliseconds: Int64
    /// How long before `door_held` the pre-alarm sounds: a tenth of the held-open time, at least
    /// one second and at most ten.
    public var preAlarmLeadMilliseconds: Int64 { min(10_000, max(1000, heldOpenMilliseconds / 10)) }

    /// Until when the door is unlocked, and why; nil: locked.
    private var unlocked: Window?
    /// Since when the contact has been open; nil: closed.
    private var openedAt: Int64?
    private var preAlarmed = false
    private var held = false
    /// A turnstile's grants not yet used by a rotation, each with its deadline.
    private var grantsWaiting: [Int64] = []

    public init(door: DoorConfig) {
        kind = door.kind
        pulseMilliseconds = Int64(door.pulseMilliseconds)
        heldOpenMilliseconds = Int64(door.heldOpenSeconds) * 1000
    }

    /// Whether the contact is open.
    public var isOpen: Bool { openedAt != nil }

    public mutating func on(_ event: Event, at now: Int64) -> [Action] {
        var actions = expire(at: now)
        switch (kind, event) {
        case (_, .granted):
            if kind == .turnstile {
                grantsWaiting.append(now + pulseMilliseconds)
            } else {
                if unlocked?.by == .grant { actions.append(.noPassage) }  // an earlier grant, never used
                unlocked = Window(until: now + pulseMilliseconds, by: .grant)
            }
            actions.append(.pulseRelay(milliseconds: Int(pulseMilliseconds)))
        case (.door, .exitRequested):
            if unlocked?.by != .grant { unlocked = Window(until: now + pulseMilliseconds, by: .exitRequest) }
            actions.append(.pulseRelay(milliseconds: Int(pulseMilliseconds)))
        case (.door, .contactOpened):
            guard openedAt == nil else { break }
            openedAt = now
            switch unlocked?.by {
            case .grant?: actions.append(.passage)
            case .exitRequest?: break
            case nil: actions.append(.doorForced)
            }
            unlocked = nil
        case (.door, .contactClosed):
            guard openedAt != nil else { break }
            if preAlarmed || held { actions.append(.closedAfterAlarm) }
            (openedAt, preAlarmed, held) = (nil, false, false)
        case (.turnstile, .rotated):
            if grantsWaiting.isEmpty {
                actions.append(.doorForced)
            } else {
                grantsWaiting.removeFirst()
                actions.append(.passage)
            }
        case (_, .tick), (.turnstile, _), (.door, .rotated):
            break
        }
        return actions
    }

    /// What the passing of time has brought: unused grants and held-open alarms.
    private mutating func expire(at now: Int64) -> [Action] {
        var actions: [Action] = []
        if let window = unlocked, now >= window.until {
            if window.by == .grant { actions.append(.noPassage) }
            unlocked = nil
        }
        while let deadline = grantsWaiting.first, now >= deadline {
            grantsWaiting.removeFirst()
            actions.append(.noPassage)
        }
        if let openedAt {
            if !preAlarmed, now - openedAt >= heldOpenMilliseconds - preAlarmLeadMilliseconds {
                preAlarmed = true
                actions.append(.preAlarm)
            }
            if !held, now - openedAt >= heldOpenMilliseconds {
                held = true
                actions.append(.doorHeld)
            }
        }
        return actions
    }
}
