import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A PN532 on a pseudo-terminal, for libnfc's `pn532_uart` driver: it speaks the chip's
/// host-link frames well enough for libnfc to open it, make it an initiator and select ISO
/// 14443A targets, and it lets a test place and remove cards, stall, answer with damaged
/// frames, or be unplugged and plugged in again.
///
/// The terminal is reached through a symbolic link that stays put while the emulator is
/// unplugged and plugged in again, as a udev rule keeps a reader's name across USB resets;
/// ``connection`` is the libnfc connection string for it.
public final class PN532Emulator: Sendable {
    /// How the emulated chip answers.
    public enum Behaviour: Sendable, Equatable {
        case normal
        /// Reads nothing and answers nothing, as a stalled chip: what the host sends waits in
        /// the terminal and is answered once the chip is ``normal`` again.
        case silent
        /// Acknowledges each command, then answers with a damaged frame: in turn, a wrong data
        /// checksum, a wrong length checksum, and a frame cut short.
        case corrupt
    }

    /// What the chip sends back for one command in place of its own answer (``script(_:)``).
    public enum Reply: Sendable, Equatable {
        /// A well-formed response frame carrying these data bytes (at most 253 are kept).
        case data([UInt8])
        /// These bytes as they are, after the ACK: any framing, damaged or not.
        case raw([UInt8])
    }

    /// The libnfc connection string: `pn532_uart:PATH`.
    public var connection: String { "pn532_uart:\(link)" }
    /// The stable path of the terminal.
    public var link: String { terminal.link }

    private struct State {
        var card: EmulatedCard?
        /// The card's ISO 14443-4 side, when it runs in software.
        var software: (any SoftwareCard)?
        /// Exchanges the card answers before it leaves the field; nil: it stays.
        var exchangesLeft: Int?
        var exchanges = 0
        var behaviour = Behaviour.normal
        var registers: [UInt16: UInt8] = [:]
        var commands: [UInt8: Int] = [:]
        var damaged = 0
        var script: [Reply] = []
    }

    private let state = Mutex(State())
    private let terminal: PluggableTerminal

    /// Opens a terminal and links it at `link` (which must not contain `:`).
    public init(link: String) throws {
        precondition(!link.contains(":"), "libnfc splits connection strings at ':'")
        terminal = try PluggableTerminal(link: link)
        // The thread holds the emulator only while it serves one round, so the emulator goes
        // away when its owner lets go, and the thread ends at its next round.
        let thread = Thread { [weak self] in
            var buffer: [UInt8] = []
            while let emulator = self { emulator.serve(into: &buffer) }
        }
        thread.name = "pn532-emulator"
        thread.start()
    }

    /// Puts a card on the reader, replacing any other.
    public func place(_ card: EmulatedCard) { state.withLock { ($0.card, $0.software, $0.exchangesLeft) = (card, nil, nil) } }

    /// Puts a software card (a DESFire EV2, an NTAG 424 DNA) on the reader: libnfc selects it
    /// and exchanges APDUs with it through InDataExchange.
    public func place(_ card: some SoftwareCard) {
        card.activate()
        state.withLock { ($0.card, $0.software, $0.exchangesLeft) = (card.activation, card, nil) }
    }

    /// The card stays for `count` more APDU exchanges, then is gone: taken away mid-conversation.
    public func remove(afterExchanges count: Int) { state.withLock { $0.exchangesLeft = count } }

    /// How many APDUs the host has exchanged with software cards.
    public var exchangeCount: Int { state.withLock { $0.exchanges } }

    /// Puts the usual card for these UID bytes on the reader.
    public func place(uid: [UInt8]) { place(.typical(uid)) }

    /// The next commands, one each, are answered with `replies` (acknowledged first) instead of
    /// the chip's own answers, whatever they are: a fuzz harness's frames from a reader. Replaces
    /// what was left of an earlier script.
    public func script(_ replies: [Reply]) { state.withLock { $0.script = replies } }

    /// Takes the card away.
    public func remove() { state.withLock { ($0.card, $0.software) = (nil, nil) } }

    public var behaviour: Behaviour {
        get { state.withLock { $0.behaviour } }
        set { state.withLock { $0.behaviour = newValue } }
    }

    /// How many times the host sent this command (`0x4A` is InListPassiveTarget).
    public func count(of command: UInt8) -> Int { state.withLock { $0.commands[command, default: 0] } }

    /// How many commands the host sent in all.
    public var commandCount: Int { state.withLock { $0.commands.values.reduce(0, +) } }

    /// Closes the terminal and removes its link, as when a USB reader is pulled out: the host's
    /// reads fail and opening the path fails until ``plug()``.
    public func unplug() { terminal.unplug() }

    /// Opens a new terminal behind the same link, as when the reader is plugged in again.
    public func plug() throws { try terminal.plug() }

    /// One round: waits up to 20 ms for bytes from the host and answers every complete frame.
    private func serve(into buffer: inout [UInt8]) {
        guard behaviour != .silent, let chunk = terminal.read(waitingMilliseconds: 20) else {
            usleep(20_000)
            return
        }
        buffer += chunk
        while let frame = PN532Frame.take(from: &buffer) {
            if let reply = answer(frame) { terminal.write(reply) }
        }
    }

    /// The bytes the chip sends back for one frame from the host.
    private func answer(_ frame: PN532Frame) -> [UInt8]? {
        switch frame {
        case .ack, .nack:
            return nil
        case .damaged:
            return PN532Frame.syntaxErrorBytes
        case .command(let code, let parameters):
            if let scripted = state.withLock({ state in state.script.isEmpty ? nil : state.script.removeFirst() }) {
                switch scripted {
                case .data(let data): return PN532Frame.ackBytes + PN532Frame.response(to: code, Array(data.prefix(253)))
                case .raw(let bytes): return PN532Frame.ackBytes + bytes
                }
            }
            let (data, behaviour, damaged) = state.withLock { state in
                state.commands[code, default: 0] += 1
                if state.behaviour == .corrupt { state.damaged += 1 }
                return (Self.respond(code, parameters, &state), state.behaviour, state.damaged)
            }
            guard let data else { return PN532Frame.ackBytes + PN532Frame.syntaxErrorBytes }
            var response = PN532Frame.response(to: code, data)
            if behaviour == .corrupt {
                switch damaged % 3 {
                case 0: response[response.count - 2] ^= 0x5A  // data checksum
                case 1: response[4] ^= 0x01  // length checksum
                default: response.removeLast(3)  // cut short: the host waits in vain for the rest
                }
            }
            return PN532Frame.ackBytes + response
        }
    }

    /// The response data of the commands libnfc sends to a PN532 it polls with; nil for any
    /// other, which the chip answers with an error frame.
    private static func respond(_ code: UInt8, _ parameters: [UInt8], _ state: inout State) -> [UInt8]? {
        switch code {
        case 0x00:  // Diagnose: the communication line test echoes its data.
            return parameters
        case 0x02:  // GetFirmwareVersion: a PN532, firmware 1.6, supporting ISO 14443A/B and 18092.
            return [0x32, 0x01, 0x06, 0x07]
        case 0x04:  // GetGeneralStatus: no error, field off, no target.
            return [0x00, 0x00, 0x00, 0x00]
        case 0x06:  // ReadRegister: one byte per 16-bit address.
            return stride(from: 0, to: parameters.count - 1, by: 2).map { index in
                state.registers[UInt16(parameters[index]) << 8 | UInt16(parameters[index + 1]), default: 0]
            }
        case 0x08:  // WriteRegister: address and value triples.
            for index in stride(from: 0, to: parameters.count - 2, by: 3) {
                state.registers[UInt16(parameters[index]) << 8 | UInt16(parameters[index + 1])] = parameters[index + 2]
            }
            return []
        case 0x12, 0x14, 0x32:  // SetParameters, SAMConfiguration, RFConfiguration.
            return []
        case 0x16, 0x44, 0x52:  // PowerDown, InDeselect, InRelease: status OK.
            return [0x00]
        case 0x40:  // InDataExchange with target 1: a software card answers; status 01: no answer.
            guard let software = state.software, state.card != nil, parameters.first == 0x01 else { return [0x01] }
            if let left = state.exchangesLeft {
                guard left > 0 else {
                    (state.card, state.software) = (nil, nil)
                    return [0x01]
                }
                state.exchangesLeft = left - 1
            }
            state.exchanges += 1
            return [0x00] + software.respond(Array(parameters.dropFirst()))
        case 0x42:  // InCommunicateThru: the card did not answer.
            return [0x01]
        case 0x4A:  // InListPassiveTarget at 106 kbps type A: the card on the reader, if any.
            guard parameters.count >= 2, parameters[1] == 0x00, state.card != nil else { return [0x00] }
            if let software = state.software {
                software.activate()
                state.card = software.activation
            }
            guard let card = state.card else { return [0x00] }
            return [0x01] + card.targetData  // one target (NbTg), then its data
        default:
            return nil
        }
    }
}

