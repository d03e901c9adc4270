import GatehouseCore
@testable import GatehouseQR
import GatehouseTesting
import Testing

@Suite("Keyboard-wedge scanners through evdev")
struct KeyboardWedgeScannerTests {
    /// One `struct input_event` as the kernel writes it on 64-bit Linux.
    static func event(type: UInt16, code: UInt16, value: Int32) -> [UInt8] {
        let time = [UInt8](repeating: 7, count: 16)
        let value = UInt32(bitPattern: value)
        return time + [UInt8(type & 0xFF), UInt8(type >> 8), UInt8(code & 0xFF), UInt8(code >> 8)]
            + [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)]
    }

    @Test("key events are read out of whole input_event records; sync events are skipped; a partial record waits")
    func records() {
        var buffer = Self.event(type: 1, code: 30, value: 1) + Self.event(type: 0, code: 0, value: 0) + Self.event(type: 1, code: 30, value: 0)
        buffer += Self.event(type: 1, code: 28, value: 1).prefix(10)
        let events = KeyboardWedgeScanner.keyEvents(in: &buffer)
        #expect(events.map(\.code) == [30, 30] && events.map(\.value) == [1, 0])
        #expect(buffer.count == 10)
    }

    @Test("without an input device the scanner names it: missing, or a file that cannot be grabbed")
    func noDevice() throws {
        let directory = TemporaryDirectory("gatehouse-wedge")
        let missing = KeyboardWedgeScanner(device: directory.file("event9"), layout: .us)
        #expect(throws: ReaderFault(.openFailed, "\(directory.file("event9")): No such file or directory")) { try missing.open() }
        let plain = directory.write("event3", "not a device")
        do {
            try KeyboardWedgeScanner(device: plain, layout: .de).open()
            Issue.record("a plain file was taken for a scanner")
        } catch {
            #expect(error.reason == .openFailed && error.detail.hasPrefix("\(plain): cannot take the scanner for this reader alone: not an input device"))
        }
    }
}
