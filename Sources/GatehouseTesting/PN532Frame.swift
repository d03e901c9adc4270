/// The PN532's host-link frames (PN532 user manual, section 6.2): a normal information frame
/// `00 00 FF LEN LCS TFI PD0…PDn DCS 00`, the ACK `00 00 FF 00 FF 00`, the NACK
/// `00 00 FF FF 00 00` and the error frame `00 00 FF 01 FF 7F 81 00`.
public enum PN532Frame: Equatable, Sendable {
    /// A command from the host (TFI `D4`): its code and parameters.
    case command(code: UInt8, parameters: [UInt8])
    /// The host's ACK, sent to abort the command in progress.
    case ack
    case nack
    /// A frame whose length or data checksum is wrong, or whose TFI is not the host's.
    case damaged

    /// The frame the chip acknowledges a command with.
    public static let ackBytes: [UInt8] = [0x00, 0x00, 0xFF, 0x00, 0xFF, 0x00]
    /// The chip's answer to a command it cannot parse: an application-level error.
    public static let syntaxErrorBytes: [UInt8] = [0x00, 0x00, 0xFF, 0x01, 0xFF, 0x7F, 0x81, 0x00]

    /// The chip's response to `command`: TFI `D5` and the command code plus one.
    public static func response(to command: UInt8, _ data: [UInt8]) -> [UInt8] {
        let body: [UInt8] = [0xD5, command &+ 1] + data
        precondition(body.count <= 255, "extended frames are not emulated")
        let length = UInt8(body.count)
        let checksum = body.reduce(UInt8(0)) { $0 &+ $1 }
        return [0x00, 0x00, 0xFF, length, 0 &- length] + body + [0 &- checksum, 0x00]
    }

    /// Takes the first complete frame out of `buffer`, skipping anything before its start code
    /// (the host's wake-up bytes `55 55 00 00 00`, say). Nil when no complete frame is there yet.
    public static func take(from buffer: inout [UInt8]) -> PN532Frame? {
        while true {
            guard let start = startCode(in: buffer) else {
                // Keep a trailing 00 that may begin the next start code.
                if buffer.last == 0x00 { buffer = [0x00] } else { buffer = [] }
                return nil
            }
            let header = start + 2
            guard buffer.count >= header + 2 else { return nil }
            let length = buffer[header], lengthChecksum = buffer[header + 1]
            // ACK and NACK, with their postamble when it has arrived.
            if length == 0x00 && lengthChecksum == 0xFF { buffer.removeFirst(min(buffer.count, header + 3)); return .ack }
            if length == 0xFF && lengthChecksum == 0x00 { buffer.removeFirst(min(buffer.count, header + 3)); return .nack }
            guard length &+ lengthChecksum == 0, length >= 2 else {
                buffer.removeFirst(header)
                return .damaged
            }
            let end = header + 2 + Int(length) + 2
            guard buffer.count >= end else { return nil }
            let body = Array(buffer[(header + 2)..<(header + 2 + Int(length))])
            let checksum = buffer[header + 2 + Int(length)]
            buffer.removeFirst(end)
            guard body[0] == 0xD4, body.reduce(checksum, &+) == 0 else { return .damaged }
            return .command(code: body[1], parameters: Array(body.dropFirst(2)))
        }
    }

    private static func startCode(in buffer: [UInt8]) -> Int? {
        guard buffer.count >= 2 else { return nil }
        for index in 0..<(buffer.count - 1) where buffer[index] == 0x00 && buffer[index + 1] == 0xFF {
            return index
        }
        return nil
    }
}
