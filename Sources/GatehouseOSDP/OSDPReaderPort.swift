import GatehouseCore
import Glibc
import Synchronization

/// One OSDP reader as the daemon's reader loop sees it: what its bus delivered for its address
/// (card numbers through the reader's formats, keypad keys, tamper, a reader down), and the
/// LED and buzzer commands for grants, denials and PINs wanted.
public final class OSDPReaderPort: CredentialReaderPort, ReaderSignalPort {
    private let bus: OSDPBus
    private let address: UInt8
    private let queued = Mutex<[ReaderInput]>([])
    private let isOpen = Mutex(false)

    public init(bus: OSDPBus, address: UInt8) {
        self.bus = bus
        self.address = address
    }

    public var connection: String { "\(bus.device)@\(address)" }

    public func open() throws(ReaderFault) {
        let opening = isOpen.withLock { open in
            defer { open = true }
            return !open
        }
        if opening { bus.attach() }
    }

    public func poll() throws(ReaderFault) -> [UInt8]? { nil }

    /// The reader's identity and capabilities, once it has answered.
    public var identity: String? { bus.identities[address] }

    /// Looks every 10 ms for up to 100 ms.
    public func read() throws(ReaderFault) -> ReaderInput? {
        for _ in 0..<10 {
            if let next = queued.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) { return next }
            let (inputs, status, fault) = bus.take(address)
            if let fault { throw fault }
            if !inputs.isEmpty {
                queued.withLock { $0 += inputs.dropFirst() }
                return inputs[0]
            }
            if case .down(let why) = status { return .down(why) }
            usleep(10_000)
        }
        return nil
    }

    public func interrupt() {}

    public func close() {
        let closing = isOpen.withLock { open in
            defer { open = false }
            return open
        }
        if closing { bus.detach() }
    }

    /// The reader's LED (osdp_LED, temporary) and buzzer (osdp_BUZ).
    public func signal(_ signal: ReaderSignal) {
        // LED: reader 0, LED 0, temporary mode 2: on and off times and timer in 100 ms, colours
        // (1 red, 2 green, 3 amber); the permanent state unchanged.
        let (on, off, colour, timer): (UInt8, UInt8, UInt8, UInt16) =
            switch signal {
            case .granted: (10, 0, 2, 15)
            case .denied: (10, 0, 1, 15)
            case .pinWanted: (2, 2, 3, 150)
            }
        bus.queue(address, code: 0x69, data: [0, 0, 2, on, off, colour, 0, UInt8(timer & 0xFF), UInt8(timer >> 8), 0, 0, 0, 0, 0])
        // Buzzer: reader 0, tone 2 (on), on and off times in 100 ms, count.
        let beep: [UInt8] =
            switch signal {
            case .granted: [0, 2, 1, 0, 1]
            case .denied: [0, 2, 6, 0, 1]
            case .pinWanted: [0, 2, 1, 1, 2]
            }
        bus.queue(address, code: 0x6A, data: beep)
    }
}
