import GatehouseCore
@testable import GatehouseQR
import GatehouseTesting
import Testing

@Suite("Serial scanners on a pseudo-terminal")
struct SerialScannerTests {
    @Test("lines end as configured; empty lines are skipped; an unfinished line waits", arguments: [
        (ReaderConfig.LineTerminator.any, "A1\r\nB2\rC3\nD4", ["A1", "B2", "C3"], "D4"),
        (.cr, "A1\rB2\nC3\r", ["A1", "B2\nC3"], ""),
        (.lf, "A1\nB2\r\n", ["A1", "B2\r"], ""),
        (.crlf, "A1\r\nB2\rC3\r\n\r\nD", ["A1", "B2\rC3"], "D"),
    ])
    func lines(_ terminator: ReaderConfig.LineTerminator, _ input: String, _ expected: [String], _ left: String) {
        var buffer = Array(input.utf8)
        var lines: [String] = []
        while let line = SerialScanner.takeLine(from: &buffer, terminator: terminator) { lines.append(String(decoding: line, as: UTF8.self)) }
        #expect(lines == expected)
        #expect(String(decoding: buffer, as: UTF8.self) == left)
    }

    @Test("a code sent in pieces is one line; an unplugged scanner fails; a file that is no tty is refused")
    func throughATerminal() throws {
        let directory = TemporaryDirectory("gatehouse-scanner")
        let emulator = try SerialScannerEmulator(link: directory.file("scanner"))
        let scanner = SerialScanner(device: emulator.link, baudRate: 9600, terminator: .any)
        try scanner.open()
        emulator.send(Array("PARK".utf8))
        emulator.send(Array("ING-17\r\n".utf8))
        var read: [UInt8]?
        for _ in 0..<50 where read == nil { read = try scanner.poll() }
        #expect(read.map { String(decoding: $0, as: UTF8.self) } == "PARKING-17")

        emulator.unplug()
        #expect(throws: ReaderFault.self) { for _ in 0..<50 { _ = try scanner.poll() } }
        scanner.close()
        #expect(throws: ReaderFault(.openFailed, "\(emulator.link): No such file or directory")) { try scanner.open() }
        let notATerminal = SerialScanner(device: directory.write("plain", "x"), baudRate: 9600, terminator: .any)
        #expect(throws: ReaderFault.self) { try notATerminal.open() }
    }
}
