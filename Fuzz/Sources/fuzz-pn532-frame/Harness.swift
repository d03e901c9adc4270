import FuzzSupport
import Foundation
import GatehouseCore
import GatehouseNFC
import GatehouseTesting

/// Frames from a PN532 reader, through the real libnfc: the PN532 emulator on a pseudo-terminal
/// answers the commands libnfc sends (InListPassiveTarget, then InDataExchange) with replies
/// taken from the input, and the daemon's NFC adapter selects a card and exchanges two APDUs
/// with it as its reader loop does. The input is a sequence of replies, each a length byte `L`
/// and `L & 0x7F` bytes: with the high bit clear they are a well-formed frame's data (what
/// libnfc then decodes: target data, ATS, card answers), with it set raw bytes of any framing.
/// libnfc itself is Debian's build, not instrumented: coverage guides through the adapter and
/// the emulator only, and AddressSanitizer sees libnfc's heap through its allocator.
enum Reader {
    static let emulator: PN532Emulator = {
        let link = NSTemporaryDirectory() + "gatehouse-fuzz-pn532-\(getpid())"
        do { return try PN532Emulator(link: link) } catch { preconditionFailure("no pseudo-terminal for the emulator: \(error)") }
    }()
    static let context: NFCContext = {
        do { return try NFCContext() } catch { preconditionFailure("libnfc does not start: \(error)") }
    }()
    nonisolated(unsafe) static var device: NFCDevice?  // libFuzzer calls the harness from one thread only

    /// The device, opened again after a failure, so that each input starts on a reader in step.
    static func open() -> NFCDevice? {
        if let device { return device }
        emulator.script([])
        device = try? NFCDevice(context: context, connection: emulator.connection, commandTimeoutMilliseconds: 30)
        return device
    }

    static func replies(_ bytes: [UInt8]) -> [PN532Emulator.Reply] {
        var replies: [PN532Emulator.Reply] = []
        var index = 0
        while index < bytes.count {
            let header = bytes[index]
            let body = Array(bytes[(index + 1)..<min(bytes.count, index + 1 + Int(header & 0x7F))])
            replies.append(header & 0x80 == 0 ? .data(body) : .raw(body))
            index += 1 + Int(header & 0x7F)
        }
        return replies
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let replies = Reader.replies(FuzzSupport.bytes(data, size))
    // libnfc 1.8.0 calls abort() when a reply's status byte has the NAD bit (0x80) set
    // (pn53x_transceive; found by this harness, docs/reliability.md): left out, so that the
    // search goes on for other faults instead of finding that one again.
    if replies.contains(where: { if case .data(let body) = $0 { (body.first ?? 0) & 0x80 != 0 } else { false } }) { return 0 }
    guard let device = Reader.open() else { return 0 }
    Reader.emulator.place(uid: [0x04, 0xA2, 0xB3, 0xC4, 0xD5, 0xE6, 0xF7])
    Reader.emulator.script(replies)
    do {
        if let card = try device.selectCard() {
            _ = Presentation.credential(format: .uid, value: card.normalizedUID).fingerprint(site: "acme")
            _ = try device.transceive([0x90, 0x60, 0x00, 0x00, 0x00])
            _ = try device.transceive([0x00, 0xA4, 0x04, 0x00, 0x07, 0xD2, 0x76, 0x00, 0x00, 0x85, 0x01, 0x01, 0x00])
        }
    } catch {
        device.close()
        Reader.device = nil
    }
    return 0
}

/// The entry point SwiftPM links as `main`: libFuzzer's driver on this harness.
@_cdecl("fuzz_pn532_frame_main")
public func harnessMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    FuzzSupport.run { data, size in fuzz(data ?? UnsafePointer(bitPattern: 1)!, size) }
}
