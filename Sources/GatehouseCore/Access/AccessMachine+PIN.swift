/// What the access machine has of a PIN when it decides a presentation.
enum PINEntry: Sendable, Equatable {
    /// None yet: at a zone that requires one, the machine asks for it.
    case none
    /// The digits typed at the reader.
    case digits(String)
    /// None came in time.
    case timedOut
}

extension AccessMachine {
    typealias Signal = ReaderSignal

    /// Keys typed at a reader's keypad: the PIN of the credential waiting there, once complete.
    mutating func keyed(_ keys: String, at readerID: String, moment: Moment, policy: some PolicyView, into step: inout AccessStep) {
        guard settings.config.reader(readerID) != nil else {
            step.note(.warning, "keys at an unknown reader refused", ["gate.reader": readerID])
            step.reply = .unknownReader(readerID)
            return
        }
        switch pinPad.keys(keys, at: readerID) {
        case .nothingWaiting:
            // Keys with no credential before them (a PIN alone identifies nobody, contract 7.2).
            step.note(.debug, "keys with no credential waiting for a PIN ignored", ["gate.reader": readerID])
            step.reply = .refused("no credential is waiting for a PIN at reader \(readerID)")
        case .typing(let count):
            step.reply = .pinTyping(reader: readerID, digits: count)
        case .complete(let presentation, let digits):
            present(presentation, at: readerID, moment: moment, policy: policy, pin: .digits(digits), into: &step)
        }
    }

    /// The PINs not entered in time: each credential is denied `pin_timeout`.
    mutating func expirePINs(at moment: Moment, policy: some PolicyView, into step: inout AccessStep) {
        for (reader, presentation) in pinPad.expired(now: moment.monotonic) {
            var timedOut = AccessStep()
            present(presentation, at: reader, moment: moment, policy: policy, pin: .timedOut, into: &timedOut)
            step.absorb(timedOut)
        }
    }

    /// What the PIN made of a decision: the decision, whether it was the duress PIN, and the
    /// lockout alarm when this wrong PIN locked the credential (stored after the access event).
    struct PINVerdict {
        var decision: AccessDecision
        var duress = false
        var lockout: PendingEvent?
    }

    /// Checks the PIN of a decision that needs one; nil when the machine now waits for it.
    mutating func checkPIN(
        _ pin: PINEntry, _ decision: AccessDecision, _ request: AccessRequest, fingerprint: String, moment: Moment, policy: some PolicyView,
        into step: inout AccessStep
    ) -> PINVerdict? {
        var decision = decision
        decision.needsPIN = false
        switch pin {
        case .none:
            if let replaced = pinPad.wait(at: request.reader, for: request.presentation, now: moment.monotonic) {
                // Someone else's credential at the same reader ends the wait before it.
                var abandoned = AccessStep()
                present(replaced.presentation, at: request.reader, moment: moment, policy: policy, pin: .timedOut, into: &abandoned)
                step.absorb(abandoned)
            }
            step.note(.info, "PIN wanted", ["gate.reader": request.reader, "credential.fingerprint": fingerprint, "access.person": decision.person ?? "-"])
            signal(.pinWanted, at: request.reader, into: &step)
            var provisional = decision
            provisional.needsPIN = true
            step.reply = .pinWanted(request, provisional)
            return nil
        case .timedOut:
            return PINVerdict(decision: decision.with(.pinTimeout))
        case .digits(let digits):
            guard let key = settings.pinKey else {
                step.note(.error, "no PIN key on this device: a PIN cannot be checked (secrets file, pin_key)", ["gate.reader": request.reader])
                return PINVerdict(decision: decision.with(.pinMissing))
            }
            let person: Person?
            do {
                person = try decision.person.flatMap { try policy.person($0) }
            } catch {
                step.note(.error, "cannot read the policy cache", ["gate.reader": request.reader, "error": "\(error)"])
                return PINVerdict(decision: AccessDecision(reason: .noPolicy))
            }
            guard let person, let expected = person.pin else { return PINVerdict(decision: decision.with(.pinMissing)) }
            let site = settings.config.site
            let valid = PINSettings.digits.contains(digits.count)
            if valid, key.matches(expected, site: site, person: person.id, digits: digits) {
                pinPad.right(fingerprint)
                return PINVerdict(decision: decision)
            }
            if valid, let duress = person.duressPin, key.matches(duress, site: site, person: person.id, digits: digits) {
                pinPad.right(fingerprint)
                return PINVerdict(decision: decision, duress: true)
            }
            var verdict = PINVerdict(decision: decision.with(.pinWrong))
            if pinPad.wrong(fingerprint, now: moment.monotonic) {
                let settings = settings.config.pin
                step.note(
                    .warning, "credential locked after wrong PINs",
                    ["gate.reader": request.reader, "credential.fingerprint": fingerprint, "pin.attempts": "\(settings.attempts)", "pin.lockout_s": "\(settings.lockoutSeconds)"])
                verdict.lockout = (
                    self.settings.events.pinLockout(
                        reader: request.reader, door: request.door?.id, count: settings.attempts, fingerprint: fingerprint,
                        until: request.time.adding(seconds: Int64(settings.lockoutSeconds)), at: request.time, id: EventID.make(at: request.time)))
            }
            return verdict
        }
    }

    /// Drives the reader's LED and beeper, where the configuration has them: a grant lights
    /// the LED and chirps; a denial beeps long; a PIN wanted holds the LED until it is decided.
    func signal(_ signal: Signal, at readerID: String, into step: inout AccessStep) {
        guard let reader = settings.config.reader(readerID) else { return }
        if case .osdp = reader.source { step.outputs.append(.signal(reader: readerID, signal)) }
        if let led = reader.led {
            switch signal {
            case .pinWanted: step.outputs.append(.hold(led, active: true))
            case .granted:
                step.outputs.append(.hold(led, active: false))
                step.outputs.append(.pulse(led, milliseconds: Self.grantLightMilliseconds))
            case .denied: step.outputs.append(.hold(led, active: false))
            }
        }
        if let beeper = reader.beeper {
            let milliseconds = switch signal {
            case .granted: Self.grantBeepMilliseconds
            case .denied: Self.denyBeepMilliseconds
            case .pinWanted: Self.pinWantedBeepMilliseconds
            }
            step.outputs.append(.pulse(beeper, milliseconds: milliseconds))
        }
    }

    static let grantLightMilliseconds = 1500
    static let grantBeepMilliseconds = 100
    static let denyBeepMilliseconds = 600
    static let pinWantedBeepMilliseconds = 50
}
