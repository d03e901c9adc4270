import GatehouseCore
import GatehouseThreads
import Logging
import Synchronization

/// One OSDP bus: a serial line with one or more readers by address, polled in turn by the bus's
/// own thread (each reader at least every 50 ms while it answers), with every reply turned
/// into the reader's events. Its readers' ports (``OSDPReaderPort``) start the thread when the
/// first opens and stop it when the last closes.
public final class OSDPBus: Sendable {
    /// The longest time between two polls of one reader.
    public static let pollMilliseconds = 50

    let device: String
    let baudRate: Int
    private let logger: Logger
    private let state: Mutex<State>
    private let thread = Mutex<DedicatedThread?>(nil)

    /// Each reader's card formats, by address.
    private let formats: [UInt8: [WiegandFormat]]

    struct State {
        var machines: [UInt8: OSDPReaderMachine] = [:]
        var inboxes: [UInt8: [ReaderInput]] = [:]
        var openPorts = 0
        /// Why a reader is down, from its last `offline` event until it is online again.
        var downReasons: [UInt8: String] = [:]
        var lineFault: ReaderFault?
    }

    /// A bus on `device` at `baudRate` for the readers of `settings`.
    public init(device: String, baudRate: Int, readers: [(settings: OSDPReaderMachine.Settings, formats: [WiegandFormat])], logger: Logger) {
        formats = Dictionary(readers.map { ($0.settings.address, $0.formats) }, uniquingKeysWith: { first, _ in first })
        self.device = device
        self.baudRate = baudRate
        var logger = logger
        logger[metadataKey: "osdp.bus"] = "\(device)"
        self.logger = logger
        var state = State()
        for (settings, _) in readers {
            state.machines[settings.address] = OSDPReaderMachine(settings: settings)
            state.inboxes[settings.address] = []
        }
        self.state = Mutex(state)
    }

    /// A reader's port opened: the thread starts with the first.
    func attach() {
        let first = state.withLock { state in
            state.openPorts += 1
            return state.openPorts == 1
        }
        guard first else { return }
        thread.withLock { $0 = DedicatedThread(name: "gatehouse.osdp") { [self] stop in run(stop) } }
    }

    /// A reader's port closed: the thread ends with the last (called on a reader's own thread;
    /// the bus thread's waits are bounded, so it ends within a few hundred milliseconds).
    func detach() {
        let last = state.withLock { state in
            state.openPorts -= 1
            return state.openPorts == 0
        }
        guard last, let thread = thread.withLock({ $0 }) else { return }
        thread.requestStop()
        _ = thread.joinBlocking(timeout: 5)
        self.thread.withLock { $0 = nil }
    }

    /// Whether a reader answers: not yet known, up, or down with why.
    enum Status: Equatable {
        case starting, online, down(String)
    }

    /// What the reader at `address` delivered since the last look, its status, and the line's fault.
    func take(_ address: UInt8) -> (inputs: [ReaderInput], status: Status, fault: ReaderFault?) {
        state.withLock { state in
            defer { state.inboxes[address] = [] }
            let status: Status = state.machines[address]?.online == true ? .online : state.downReasons[address].map(Status.down) ?? .starting
            return (state.inboxes[address] ?? [], status, state.lineFault)
        }
    }

    /// The identity of each reader that has answered, by address (never a key).
    public var identities: [UInt8: String] {
        state.withLock { state in state.machines.compactMapValues { $0.readerIdentity.isEmpty ? nil : $0.readerIdentity } }
    }

    /// Queues an LED or buzzer command for the reader at `address`.
    func queue(_ address: UInt8, code: UInt8, data: [UInt8]) {
        state.withLock { $0.machines[address]?.queue(code: code, data: data) }
    }

    private func run(_ stop: StopSignal) {
        let line = OSDPLine(device: device, baudRate: baudRate)
        var buffer: [UInt8] = []
        var random = SystemRandomNumberGenerator()
        while !stop.isRequested {
            do throws(ReaderFault) {
                try line.open()
                state.withLock { $0.lineFault = nil }
                logger.info("OSDP bus open", metadata: ["osdp.baud": "\(baudRate)"])
                while !stop.isRequested {
                    try turn(line, &buffer, &random)
                }
            } catch {
                state.withLock { $0.lineFault = error }
                logger.warning("OSDP bus failed; opening it again", metadata: ["reader.reason": "\(error.reason.rawValue)", "reader.detail": "\(error.detail)"])
                line.close()
                stop.pause(milliseconds: 1000)
            }
        }
        line.close()
    }

    /// One round over the bus's readers: each sends what it has and waits for its reply.
    private func turn(_ line: OSDPLine, _ buffer: inout [UInt8], _ random: inout SystemRandomNumberGenerator) throws(ReaderFault) {
        let started = MonotonicClock.milliseconds()
        let addresses = state.withLock { $0.machines.keys.sorted() }
        for address in addresses {
            // The handshake sends its next packet at once, without waiting for a turn.
            while let packet = state.withLock({ state in
                state.machines[address]?.nextPacket(now: MonotonicClock.milliseconds()) { (0..<8).map { _ in UInt8.random(in: 0...255, using: &random) } }
            }) {
                try line.write(packet)
                try awaitReply(address, line, &buffer)
            }
        }
        let rest = OSDPBus.pollMilliseconds - Int(MonotonicClock.milliseconds() - started)
        if rest > 0 { _ = try line.read(waitingMilliseconds: rest).count }
    }

    /// Reads until the reader at `address` answers or its reply times out.
    private func awaitReply(_ address: UInt8, _ line: OSDPLine, _ buffer: inout [UInt8]) throws(ReaderFault) {
        let deadline = MonotonicClock.milliseconds() + OSDPReaderMachine.replyTimeoutMilliseconds
        while true {
            // Bytes before a start of message are noise; with none, all of them are.
            if !buffer.contains(OSDPPacket.startOfMessage) { buffer.removeAll() }
            while let start = buffer.firstIndex(where: { $0 == OSDPPacket.startOfMessage }) {
                buffer.removeFirst(start)
                do throws(OSDPPacket.Problem) {
                    let (packet, consumed) = try OSDPPacket.parse(buffer[...])
                    buffer.removeFirst(consumed)
                    // Our own commands echo back on a two-wire RS-485 adapter: skipped.
                    guard packet.address & 0x80 != 0 else { continue }
                    let events = state.withLock { $0.machines[packet.address & 0x7F]?.received(packet, now: MonotonicClock.milliseconds()) ?? [] }
                    deliver(events, from: packet.address & 0x7F)
                    if packet.address & 0x7F == address { return }
                } catch .incomplete {
                    break
                } catch {
                    logger.notice("OSDP frame dropped", metadata: ["osdp.problem": "\(error)"])
                    buffer.removeFirst()
                }
            }
            let now = MonotonicClock.milliseconds()
            if now >= deadline {
                // A frame still incomplete at the timeout may be noise that looked like a start
                // (its length field promising bytes that never come): scan past it next time.
                if !buffer.isEmpty { buffer.removeFirst() }
                let events = state.withLock { $0.machines[address]?.tick(now: now + 1) ?? [] }
                deliver(events, from: address)
                return
            }
            buffer += try line.read(waitingMilliseconds: Int(deadline - now))
        }
    }

    /// A reader's events, logged and queued for its port as reader inputs.
    private func deliver(_ events: [OSDPReaderMachine.Event], from address: UInt8) {
        guard !events.isEmpty else { return }
        var inputs: [ReaderInput] = []
        for event in events {
            switch event {
            case .online(let identity):
                state.withLock { _ = $0.downReasons.removeValue(forKey: address) }
                logger.notice("OSDP reader online in a secure channel", metadata: ["osdp.address": "\(address)", "osdp.identity": "\(identity)"])
            case .offline(let why):
                state.withLock { $0.downReasons[address] = why }
                logger.warning("OSDP reader offline", metadata: ["osdp.address": "\(address)", "reader.detail": "\(why)"])
            case .card(let bits): inputs.append(ReaderInput(frame: WiegandDecoder.read(bits, formats: formats[address] ?? WiegandFormat.defaults)))
            case .keys(let keys): inputs.append(.keys(keys))
            case .tamper(let active): inputs.append(.tamper(active))
            case .power(let normal): if !normal { inputs.append(.badFrame("the reader reports a power failure")) }
            case .secureChannelFailure(let why):
                logger.warning("OSDP secure channel failed; restarting it", metadata: ["osdp.address": "\(address)", "reader.detail": "\(why)"])
                inputs.append(.badFrame("secure channel: \(why)"))
            case .keyInstalled:
                logger.notice("OSDP reader commissioned: it has its own key now; set install = false", metadata: ["osdp.address": "\(address)"])
            }
        }
        state.withLock { $0.inboxes[address, default: []] += inputs }
    }
}
