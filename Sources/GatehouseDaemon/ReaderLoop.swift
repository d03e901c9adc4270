import GatehouseCore
import GatehouseStore
import GatehouseThreads
import Logging
import Synchronization

/// One reader's own thread: it opens the reader, polls it (an NFC reader every `poll_ms`, a
/// scanner as its lines come), turns what it sees into taps and presents each tap to the access
/// thread. A reader that fails is closed and
/// opened again, at once the first time and then with back-off; its faults and recoveries are
/// stored as `alarm.reader_fault` events. Other readers are not affected: each has its thread.
final class ReaderLoop: Sendable {
    /// How a kind of reader is polled and what its credentials are.
    struct Style: Sendable {
        /// The rest after each poll; 0 for a reader whose poll waits for input by itself.
        var restMilliseconds: Int
        /// How long a credential must be gone before it counts again (``TapDetector``).
        var removalMilliseconds: Int64
        /// What the bytes a poll returns are.
        var presentation: @Sendable ([UInt8]) -> Presentation
        /// Whether a look that finds nothing shows the reader works (a reader that answers a
        /// poll); false for a Wiegand reader, which only speaks when it has a frame.
        var idleIsHealthy = true

        /// An NFC reader: UIDs, polled every `poll_ms`.
        static func badges(pollMilliseconds: Int) -> Style {
            Style(restMilliseconds: pollMilliseconds, removalMilliseconds: 300) { .credential(format: .uid, value: BadgeUID.hex($0)) }
        }

        /// A scanner or a camera: scanned codes, a visitor token or a static code. Scanners in
        /// continuous mode and cameras see a code held before them again and again, so it must be
        /// gone for a second before it counts again.
        static let codes = Style(restMilliseconds: 0, removalMilliseconds: 1000) { .scanned(String(decoding: $0, as: UTF8.self)) }

        /// A Wiegand reader: card numbers (contract 7.1), one frame per presentation; a reader
        /// that repeats the frame while the card is held counts once until it has been quiet
        /// for half a second.
        static let cards = Style(restMilliseconds: 0, removalMilliseconds: 500, presentation: { .credential(format: .card, value: String(decoding: $0, as: UTF8.self)) }, idleIsHealthy: false)

        /// An OSDP reader: card numbers as a Wiegand reader's, from a reader that answers every
        /// poll (a quiet look shows it works).
        static let osdpCards = Style(
            restMilliseconds: 0, removalMilliseconds: 500, presentation: { .credential(format: .card, value: String(decoding: $0, as: UTF8.self)) },
            idleIsHealthy: true)
    }

    /// Bad frames in a row that raise `reader_fault` (`bad_frames`).
    static let badFrameLimit = 5

    let reader: ReaderConfig
    let port: any CredentialReaderPort
    let style: Style
    private let controller: AccessController
    private let eventLog: EventLog
    private let events: EventFactory
    private let logger: Logger
    private let now: @Sendable () -> Timestamp
    private let metrics: DaemonMetrics?
    private let thread = Mutex<DedicatedThread?>(nil)
    /// The reader's health as `gatehouse status` shows it.
    private let shown = Mutex(Shown())

    /// What `gatehouse status` shows of a reader.
    struct Shown: Sendable {
        /// `starting` (not yet opened), `ok`, or `fault` (a fault raised and not recovered).
        var state = "starting"
        /// Since when the state has held.
        var since: Timestamp?
        /// The raised fault's reason code.
        var fault: String?
        /// When the last tap or scan was presented.
        var lastPresented: Timestamp?
    }

    init(
        reader: ReaderConfig, port: any CredentialReaderPort, style: Style, controller: AccessController, eventLog: EventLog, events: EventFactory,
        logger: Logger, now: @escaping @Sendable () -> Timestamp, metrics: DaemonMetrics? = nil
    ) {
        self.metrics = metrics
        self.reader = reader
        self.port = port
        self.style = style
        self.controller = controller
        self.eventLog = eventLog
        self.events = events
        var logger = logger
        logger[metadataKey: "gate.reader"] = "\(reader.id)"
        self.logger = logger
        self.now = now
    }

    /// The reader's health now.
    var health: Shown { shown.withLock { $0 } }

    func start() {
        thread.withLock { thread in
            precondition(thread == nil, "a reader loop starts once")
            thread = DedicatedThread(name: "gatehouse.reader.\(reader.id)") { [self] stop in run(stop) }
        }
    }

    /// Ends the loop: a sleep is cut short and a command in progress is aborted.
    func stop() async {
        let thread = thread.withLock { $0 }
        thread?.requestStop()
        port.interrupt()
        await thread?.join()
    }

    private func run(_ stop: StopSignal) {
        var isRunning: Bool { !stop.isRequested }
        func pause(milliseconds: Int) { stop.pause(milliseconds: milliseconds) }
        var health = ReaderHealth()
        func newTaps() -> TapDetector {
            TapDetector(removalMilliseconds: style.removalMilliseconds, repeatMilliseconds: reader.repeatAfterSeconds.map { Int64($0) * 1000 })
        }
        var taps = newTaps()
        var backoff = ReconnectBackoff(initialMilliseconds: 500, maximumMilliseconds: 30_000)
        var random = SystemRandomNumberGenerator()
        var isOpen = false
        var badFrames = 0
        while isRunning {
            if !isOpen {
                do throws(ReaderFault) {
                    try port.open()
                    isOpen = true
                    backoff.reset()
                    logger.info("reader open", metadata: ["reader.connection": "\(port.connection)"])
                    observe(.opened, &health)
                } catch {
                    observe(.failed(error), &health)
                    pause(milliseconds: Int(backoff.nextDelay(using: &random)))
                    continue
                }
            }
            do throws(ReaderFault) {
                let input = try port.read()
                let time = MonotonicClock.milliseconds()
                switch input {
                case nil, .bytes:
                    if input != nil || style.idleIsHealthy { observe(.polled, &health) }
                    var bytes: [UInt8]?
                    if case .bytes(let read)? = input { bytes = read }
                    if let tap = taps.on(bytes, at: time) { present(tap) }
                case .card(let value):
                    badFrames = 0
                    observe(.polled, &health)
                    if let tap = taps.on(Array(value.utf8), at: time) { present(tap) }
                case .keys(let keys):
                    badFrames = 0
                    observe(.polled, &health)
                    // Keys between two frames of one card make them two presentations.
                    taps = newTaps()
                    typed(keys)
                case .checkedCard(let check):
                    observe(.polled, &health)
                    // A card that failed and then passes while still held is a new tap.
                    if taps.on(check.uid + [check.isAuthentic ? 1 : 0], at: time) != nil { present(check) }
                case .tamper(let active):
                    observe(.polled, &health)
                    tampered(active)
                case .down(let why):
                    observe(.broken(ReaderFault(.ioError, why)), &health)
                case .badFrame(let why):
                    // Counted and logged, never decided; many in a row is a fault.
                    badFrames += 1
                    taps = newTaps()
                    logger.warning("frame not read", metadata: ["reader.detail": "\(why)", "reader.bad_frames": "\(badFrames)"])
                    if badFrames >= Self.badFrameLimit {
                        observe(.broken(ReaderFault(.badFrames, "\(badFrames) frames in a row could not be read; the last: \(why)")), &health)
                    }
                }
            } catch {
                guard isRunning else { break }
                logger.warning("reader failed; opening it again", metadata: ["reader.reason": "\(error.reason.rawValue)", "reader.detail": "\(error.detail)"])
                port.close()
                isOpen = false
                // The tap detector keeps the held card: a card that stays on the reader through a
                // damaged frame and a reopen is still the same tap.
                observe(.failed(error), &health)
                continue
            }
            if style.restMilliseconds > 0 { pause(milliseconds: style.restMilliseconds) }
        }
        port.close()
        logger.info("reader stopped")
    }

    /// Tells the reader's health what happened, reports what it says, and shows the result.
    private func observe(_ event: ReaderHealth.Event, _ health: inout ReaderHealth) {
        let action = health.on(event, at: MonotonicClock.milliseconds())
        report(action)
        let isUp = health.isUp
        shown.withLock { shown in
            switch action {
            case .raise(let fault): (shown.state, shown.fault, shown.since) = ("fault", fault.reason.rawValue, now())
            case .recovered, .none:
                if isUp, shown.state != "ok" { (shown.state, shown.fault, shown.since) = ("ok", nil, now()) }
            }
        }
    }

    private func present(_ credential: [UInt8]) {
        present(style.presentation(credential))
    }

    /// Hands a presentation to the access thread and logs one it could not decide.
    private func present(_ presentation: Presentation) {
        shown.withLock { $0.lastPresented = now() }
        // The raw value goes to the access thread only; the decision's log line carries its fingerprint.
        if case .failure(let error) = controller.present(reader: reader.id, presentation) {
            logger.error("tap not decided", metadata: ["error.code": "\(error.code)", "error": "\(error.message)"])
        }
    }

    /// A checked card: presented by its real UID, with its failure logged by reason code.
    private func present(_ check: CardCheck) {
        let uid = BadgeUID.hex(check.uid)
        if let failure = check.failure {
            logger.notice(
                "card not authentic",
                metadata: [
                    "card.reason": "\(failure.reason.rawValue)", "card.detail": "\(failure.detail)", "card.security": "\(check.security)",
                    "credential.fingerprint": "\(CredentialFingerprint.of(site: events.site, value: uid))",
                ])
        }
        present(.checkedCard(uid: uid, failure: check.failure?.reason))
    }

    /// The reader's own tamper switch: `alarm.tamper`, stored at once.
    private func tampered(_ active: Bool) {
        logger.warning(active ? "reader tampered with" : "reader tamper restored")
        let time = now()
        store(events.readerTamper(reader.id, active: active, at: time, id: EventID.make(at: time)))
    }

    /// Stores one of the reader's own events (a fault, a recovery, tamper) at once.
    private func store(_ event: PendingEvent) {
        do {
            try eventLog.commit([event])
        } catch {
            logger.critical("event not stored", metadata: ["event.type": "\(event.type.rawValue)", "error.code": "\(error.code)", "error": "\(error.message)"])
        }
    }

    /// Keys from the reader's keypad: the PIN of the credential waiting there.
    private func typed(_ keys: String) {
        shown.withLock { $0.lastPresented = now() }
        // The digits go to the access thread only; nothing logs them.
        if case .failure(let error) = controller.keyed(reader: reader.id, keys: keys) {
            logger.notice("keys not taken", metadata: ["error.code": "\(error.code)", "error": "\(error.message)"])
        }
    }

    private func report(_ action: ReaderHealth.Action) {
        let time = now()
        let event: PendingEvent
        switch action {
        case .none:
            return
        case .raise(let fault):
            metrics?.readerFault(reader.id)
            logger.error(
                "reader fault", metadata: ["reader.reason": "\(fault.reason.rawValue)", "reader.detail": "\(fault.detail)", "reader.connection": "\(port.connection)"])
            event = events.readerFault(reader, connection: port.connection, fault: fault, at: time, id: EventID.make(at: time))
        case .recovered(let down):
            logger.notice("reader recovered", metadata: ["reader.down_ms": "\(down)", "reader.connection": "\(port.connection)"])
            event = events.readerRecovered(reader, connection: port.connection, downMilliseconds: down, at: time, id: EventID.make(at: time))
        }
        store(event)
    }
}
