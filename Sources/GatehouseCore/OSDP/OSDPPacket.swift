/// One OSDP packet (IEC 60839-11-5, SIA OSDP v2): `SOM addr len(2, LE) ctrl [SCB] code data
/// [MAC(4)] CRC(2, LE) | checksum`. Encoding and parsing only; the secure channel's MAC and
/// encryption are ``OSDPSecureChannel``'s, applied by the reader machine.
public struct OSDPPacket: Sendable, Equatable {
    public static let startOfMessage: UInt8 = 0x53
    public static let mark: UInt8 = 0xFF
    /// The largest packet accepted; anything longer is a framing error.
    public static let maximumLength = 1440

    /// The address, 0 to 126 (127 is broadcast); a reply has the top bit set.
    public var address: UInt8
    /// 0 to 3: 0 resets the reader's sequence, then 1, 2, 3, 1, …
    public var sequence: UInt8
    /// CRC-16 (true) or an 8-bit checksum.
    public var usesCRC: Bool
    /// The security control block with its length byte (`[len, type, data…]`), or nil.
    public var securityBlock: [UInt8]?
    /// The command or reply code.
    public var code: UInt8
    public var data: [UInt8]
    /// The four MAC bytes, in a secure channel.
    public var mac: [UInt8]?

    public init(address: UInt8, sequence: UInt8, usesCRC: Bool = true, securityBlock: [UInt8]? = nil, code: UInt8, data: [UInt8] = [], mac: [UInt8]? = nil) {
        self.address = address
        self.sequence = sequence
        self.usesCRC = usesCRC
        self.securityBlock = securityBlock
        self.code = code
        self.data = data
        self.mac = mac
    }

    /// The bytes up to the MAC, with the length field counting the MAC (when `withMAC`) and the
    /// check: what the MAC is computed over.
    public func bytesBeforeMAC(withMAC: Bool) -> [UInt8] {
        let length = 5 + (securityBlock?.count ?? 0) + 1 + data.count + (withMAC ? 4 : 0) + (usesCRC ? 2 : 1)
        var bytes: [UInt8] = [Self.startOfMessage, address, UInt8(length & 0xFF), UInt8(length >> 8)]
        bytes.append((sequence & 0x03) | (usesCRC ? 0x04 : 0) | (securityBlock == nil ? 0 : 0x08))
        bytes += securityBlock ?? []
        bytes.append(code)
        bytes += data
        return bytes
    }

    /// The packet on the wire.
    public var encoded: [UInt8] {
        var bytes = bytesBeforeMAC(withMAC: mac != nil) + (mac ?? [])
        if usesCRC {
            let crc = Self.crc16(bytes)
            bytes += [UInt8(crc & 0xFF), UInt8(crc >> 8)]
        } else {
            bytes.append(Self.checksum(bytes))
        }
        return bytes
    }

    /// CRC-16/AUG-CCITT (polynomial 0x1021, initial 0x1D0F, not reflected), as OSDP uses.
    public static func crc16(_ bytes: some Sequence<UInt8>) -> UInt16 {
        var crc: UInt16 = 0x1D0F
        for byte in bytes {
            crc ^= UInt16(byte) << 8
            for _ in 0..<8 { crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1 }
        }
        return crc
    }

    /// The two's complement of the sum of the bytes.
    public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt8 {
        0 &- bytes.reduce(0, &+)
    }

    /// Why bytes are not a packet.
    public enum Problem: Error, Sendable, Equatable {
        /// Not enough bytes yet.
        case incomplete
        /// A length outside what a packet can be, or a control byte that contradicts it.
        case malformed(String)
        /// The CRC or checksum does not match.
        case badCheck
    }

    /// Reads one packet from the start of `bytes` (a leading mark byte skipped): the packet and
    /// the number of bytes it took. `secure`: whether a MAC follows the data (a secure
    /// channel's security block type of 0x15 or more).
    public static func parse(_ bytes: ArraySlice<UInt8>) throws(Problem) -> (packet: OSDPPacket, consumed: Int) {
        var start = bytes.startIndex
        if bytes.first == mark { start += 1 }
        guard bytes.endIndex - start >= 5 else { throw .incomplete }
        guard bytes[start] == startOfMessage else { throw .malformed("no start of message") }
        let length = Int(bytes[start + 2]) | Int(bytes[start + 3]) << 8
        guard (7...maximumLength).contains(length) else { throw .malformed("length \(length)") }
        guard bytes.endIndex - start >= length else { throw .incomplete }
        let frame = Array(bytes[start..<(start + length)])
        let control = frame[4]
        let usesCRC = control & 0x04 != 0
        let body = frame.prefix(length - (usesCRC ? 2 : 1))
        if usesCRC {
            let crc = UInt16(frame[length - 2]) | UInt16(frame[length - 1]) << 8
            guard crc16(body) == crc else { throw .badCheck }
        } else {
            guard checksum(body) == frame[length - 1] else { throw .badCheck }
        }
        var index = 5
        var block: [UInt8]?
        if control & 0x08 != 0 {
            guard index < body.count, body[index] >= 2, index + Int(body[index]) < body.count else { throw .malformed("security block") }
            block = Array(body[index..<(index + Int(body[index]))])
            index += Int(body[index])
        }
        let hasMAC = (block.map { $0[1] >= 0x15 } ?? false)
        let end = body.count - (hasMAC ? 4 : 0)
        guard index < end else { throw .malformed("no code") }
        let packet = OSDPPacket(
            address: frame[1], sequence: control & 0x03, usesCRC: usesCRC, securityBlock: block, code: body[index],
            data: Array(body[(index + 1)..<end]), mac: hasMAC ? Array(body[end..<body.count]) : nil)
        return (packet, start - bytes.startIndex + length)
    }
}
