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
///
/// Each grant carries a `Ticket` of the caller's (who was granted, what their passage changes),
/// handed back with its `passage` or `no_passage`.
///
/// Released (evacuation): the relay is held open, and nothing that happens raises an alarm or
/// uses a grant, until the door is secured again.
public struct DoorMachine<Ticket: Sendable & Equatable>: Sendable, Equatable {
    public enum Event: Sendable, Equatable {
        /// Access was granted at this door (a badge, a token, a remote `open`), unlocking it for
        /// the door's pulse or for `pulseMilliseconds` when given.
        case granted(Ticket, pulseMilliseconds: Int? = nil)
        /// The exit button (request to exit) was pressed.
        case exitRequested
        case contactOpened
        case contactClosed
        /// The turnstile turned once.
        case rotated
        /// Time passed; the caller ticks at least once a second.
        case tick
        /// Evacuation: hold the door open until ``secure``.
        case release
        /// Back to normal after ``release``.
        case secure
    }

    public enum Action: Sendable, Equatable {
        /// Unlock: pulse the door's relay for this long.
        case pulseRelay(milliseconds: Int)
        /// Hold the relay active (released) or let it rest (locked).
        case holdRelay(active: Bool)
        /// The grant's holder went through.
        case passage(Ticket)
        /// The grant was not used in time.
        case noPassage(Ticket)
        case doorForced
        /// The door is about to be held open too long: sound the buzzer.
        case preAlarm
        case doorHeld
        /// The door closed after a pre-alarm or a held alarm: silence the buzzer.
        case closedAfterAlarm
    }

    private enum Unlock: Equatable, Sendable {
        case grant(Ticket)
        case exitRequest
    }

    /// A turnstile's grant waiting for its rotation.
    private struct Waiting: Equatable, Sendable {
        var deadline: Int64
        var ticket: Ticket
    }

    /// An unlocked door: until when, and why.
    private struct Window: Equatable, Sendable {
        var until: Int64
        var by: Unlock
    }

    public let kind: DoorConfig.Kind
    /// Whether the door reports passages (a door's contact, a turnstile's rotation sensor).
    /// One that does not can tell neither a passage nor its absence: its grants end without
    /// `no_passage`, since the grant counted as the passage.
    public let sensesPassages: Bool
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
    private var grantsWaiting: [Waiting] = []
    /// Whether the door is held open for an evacuation.
    public private(set) var isReleased = false
    /// Whether the buzzer sounds for a door held open (a pre-alarm or `door_held`).
    public var isAlarming: Bool { preAlarmed || held }
    /// Whether the contact opened with no grant and no exit request, until it closes.
    private var forcedOpen = false

    /// What the door is doing now.
    public var condition: DoorCondition {
        if isReleased { return .released }
        if held || preAlarmed { return .held }
        if openedAt != nil { return forcedOpen ? .forced : .open }
        return unlocked != nil || !grantsWaiting.isEmpty ? .unlocked : .locked
    }

    public init(door: DoorConfig) {
        kind = door.kind
        sensesPassages = door.sensesPassages
        pulseMilliseconds = Int64(door.pulseMilliseconds)
        heldOpenMilliseconds = Int64(door.heldOpenSeconds) * 1000
    }

    public mutating func on(_ event: Event, at now: Int64) -> [Action] {
        var actions = expire(at: now)
        if isReleased { return actions + onReleased(event, at: now) }
        switch (kind, event) {
        case (_, .release):
            isReleased = true
            actions += unusedGrants() + [.holdRelay(active: true)]
            if preAlarmed || held { actions.append(.closedAfterAlarm) }
            (preAlarmed, held) = (false, false)
        case (_, .granted(let ticket, let milliseconds)):
            let pulse = milliseconds.map(Int64.init) ?? pulseMilliseconds
            if kind == .turnstile {
                grantsWaiting.append(Waiting(deadline: now + pulse, ticket: ticket))
                actions.append(.pulseRelay(milliseconds: Int(pulse)))
            } else if openedAt != nil {
                // The door stands open already: the holder walks through it, and no opening of
                // the contact will tell. The grant is its passage.
                actions += unusedGrants() + [.pulseRelay(milliseconds: Int(pulse)), .passage(ticket)]
            } else {
                actions += unusedGrants()  // an earlier grant, never used
                unlocked = Window(until: now + pulse, by: .grant(ticket))
                actions.append(.pulseRelay(milliseconds: Int(pulse)))
            }
        case (.door, .exitRequested):
            if unlocked == nil || unlocked?.by == .exitRequest { unlocked = Window(until: now + pulseMilliseconds, by: .exitRequest) }
            actions.append(.pulseRelay(milliseconds: Int(pulseMilliseconds)))
        case (.door, .contactOpened):
            guard openedAt == nil else { break }
            openedAt = now
            switch unlocked?.by {
            case .grant(let ticket)?: actions.append(.passage(ticket))
            case .exitRequest?: break
            case nil:
                forcedOpen = true
                actions.append(.doorForced)
            }
            unlocked = nil
        case (.door, .contactClosed):
            guard openedAt != nil else { break }
            if preAlarmed || held { actions.append(.closedAfterAlarm) }
            (openedAt, preAlarmed, held, forcedOpen) = (nil, false, false, false)
        case (.turnstile, .rotated):
            if grantsWaiting.isEmpty {
                actions.append(.doorForced)
            } else {
                actions.append(.passage(grantsWaiting.removeFirst().ticket))
            }
        case (_, .tick), (_, .secure), (.turnstile, _), (.door, .rotated):
            break
        }
        return actions
    }

    /// Held open: the contact is followed but raises nothing; grants need no pulse.
    private mutating func onReleased(_ event: Event, at now: Int64) -> [Action] {
        switch event {
        case .secure:
            isReleased = false
            // Still open when secured: the held-open time starts now.
            if openedAt != nil { openedAt = now }
            return [.holdRelay(active: false)]
        case .contactOpened:
            if openedAt == nil { openedAt = now }
        case .contactClosed:
            (openedAt, forcedOpen) = (nil, false)
        case .granted, .exitRequested, .rotated, .tick, .release:
            break
        }
        return []
    }

    /// Every grant still waiting, as `no_passage`.
    private mutating func unusedGrants() -> [Action] {
        var actions = grantsWaiting.map { Action.noPassage($0.ticket) }
        grantsWaiting = []
        if case .grant(let ticket)? = unlocked?.by { actions.append(.noPassage(ticket)) }
        unlocked = nil
        return sensesPassages ? actions : []
    }

    /// What the passing of time has brought: unused grants and held-open alarms.
    private mutating func expire(at now: Int64) -> [Action] {
        var actions: [Action] = []
        if let window = unlocked, now >= window.until {
            if case .grant(let ticket) = window.by, sensesPassages { actions.append(.noPassage(ticket)) }
            unlocked = nil
        }
        while let waiting = grantsWaiting.first, now >= waiting.deadline {
            grantsWaiting.removeFirst()
            if sensesPassages { actions.append(.noPassage(waiting.ticket)) }
        }
        if let openedAt, !isReleased {
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
