import Foundation
import GatehouseCore
import GatehouseTesting

// pn532-emulator --link PATH
//
// A PN532 on a pseudo-terminal linked at PATH, for libnfc's pn532_uart driver
// (`pn532_uart:PATH`), driven by one command per line on standard input:
//   place HEX   put a card with this UID (4, 7 or 10 bytes) on the reader
//   desfire HEX put the DESFire EV2 with this 7-byte UID on the reader: a software card, blank
//               the first time, that keeps what `gatehouse card issue` writes for the session
//   remove      take it away
//   silent      stop answering; corrupt: answer with damaged frames; normal: answer again
//   unplug      pull the reader out; plug: put it back
//   quit        (or end of input) stop
// Each command is answered with one line: `ok` or `error: why`. For the demo and manual tries;
// tests use the PN532Emulator type directly.

let arguments = CommandLine.arguments
guard arguments.count == 3, arguments[1] == "--link" else {
    FileHandle.standardError.write(Data("usage: pn532-emulator --link PATH\n".utf8))
    exit(2)
}
let emulator: PN532Emulator
do {
    emulator = try PN532Emulator(link: arguments[2])
} catch {
    FileHandle.standardError.write(Data("pn532-emulator: \(error)\n".utf8))
    exit(2)
}
var desfires: [[UInt8]: SoftwareDESFire] = [:]
print("ready \(emulator.connection)")
fflush(nil)

while let line = readLine() {
    let words = line.split(separator: " ").map(String.init)
    var reply = "ok"
    switch words.first {
    case "place":
        if words.count == 2, let uid = BadgeUID.normalize(words[1]), [8, 14, 20].contains(uid.count) {
            emulator.place(uid: stride(from: 0, to: uid.count, by: 2).map { UInt8(uid.dropFirst($0).prefix(2), radix: 16) ?? 0 })
        } else {
            reply = "error: place needs a UID of 4, 7 or 10 bytes in hex"
        }
    case "desfire":
        if words.count == 2, let uid = BadgeUID.normalize(words[1]), uid.count == 14 {
            let bytes = stride(from: 0, to: uid.count, by: 2).map { UInt8(uid.dropFirst($0).prefix(2), radix: 16) ?? 0 }
            let card = desfires[bytes] ?? SoftwareDESFire(uid: bytes)
            desfires[bytes] = card
            emulator.place(card)
        } else {
            reply = "error: desfire needs a 7-byte UID in hex"
        }
    case "remove": emulator.remove()
    case "silent": emulator.behaviour = .silent
    case "corrupt": emulator.behaviour = .corrupt
    case "normal": emulator.behaviour = .normal
    case "unplug": emulator.unplug()
    case "plug":
        do { try emulator.plug() } catch { reply = "error: \(error)" }
    case "quit": exit(0)
    case nil: reply = "error: empty command"
    case let other?: reply = "error: unknown command \(other)"
    }
    print(reply)
    fflush(nil)
}
