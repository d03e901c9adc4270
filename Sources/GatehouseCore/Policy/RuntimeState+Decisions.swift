extension RuntimeState {
    /// The changes a decision makes: a granted entry puts the occupant inside the door's zone
    /// (and checks a visitor in, the first time in each visit), a granted exit takes them out
    /// (and checks a visitor out). Denials change nothing.
    ///
    /// Until doors report passages (a contact or rotation sensor), a grant counts as a passage.
    public func effects(of decision: AccessDecision, for request: AccessRequest) -> [RuntimeEffect] {
        guard decision.granted, let door = request.door, let occupant = decision.occupant else { return [] }
        var effects: [RuntimeEffect] = []
        switch request.direction {
        case .in:
            if let invite = decision.invite, inviteUses[invite]?.checkedIn != true {
                effects.append(.checkedIn(invite: invite, at: request.time))
            }
            if !isInside(occupant, zone: door.zone) {
                effects.append(.entered(occupant, zone: door.zone, at: request.time))
            }
            if decision.isEscort { effects.append(.escortEntered(door: door.id, at: request.time)) }
        case .out:
            if isInside(occupant, zone: door.zone) { effects.append(.left(occupant, zone: door.zone)) }
            if let invite = decision.invite, inviteUses[invite]?.checkedIn == true {
                effects.append(.checkedOut(invite: invite, at: request.time))
            }
        }
        return effects
    }
}
