/// Wiegand's two data lines turned into frames and frames into credentials, with no I/O: the
/// GPIO adapter feeds it each pulse with the kernel's timestamp, and time with a tick.
///
/// A pulse on D0 is a 0, on D1 a 1. A frame ends when both lines have been quiet for
/// `quietMicroseconds` (about 25 ms: readers send a bit every 1 to 2 ms). A frame of 4 or 8
/// bits is a keypad key; one whose length and parity match a configured format is a card;
/// one whose length matches no format is `raw:{bits}:{HEX}` (contract 7.1); a frame whose
/// length matches a format but whose parity fails, or one that overflowed, is a fault: counted,
/// never decided.
public struct WiegandDecoder: Sendable {
    public enum Line: Sendable, Equatable {
        case d0, d1
    }

    /// What a finished frame was.
    public enum Frame: Sendable, Equatable {
        /// A card number (contract 7.1's `card` value: `"{facility}:{number}"` or `"{number}"`).
        case card(format: String, value: String)
        /// Bits no format matched: `raw:{bits}:{HEX}`.
        case raw(String)
        /// A keypad key: 0 to 9, `*` (10) or `#` (11).
        case key(Character)
        /// A frame that must not be decided: a parity error under the format its length
        /// matches, a keypad byte whose halves disagree, or more bits than a frame holds.
        case fault(Fault)
    }

    public enum Fault: Sendable, Equatable {
        case parity(format: String, bits: Int)
        case badKey(bits: Int)
        case overflow
        /// Fewer bits than any card has (and not a key): noise on the lines, a glitch.
        case stray(bits: Int)
    }

    /// Frames shorter than this (but for 4- and 8-bit keys) are noise, not cards.
    public static let minimumCardBits = 16

    /// The most bits a frame holds; more is noise or two frames run together.
    public static let maximumBits = 128

    public let quietMicroseconds: Int64
    public let formats: [WiegandFormat]
    private var bits: [Bool] = []
    private var lastPulse: Int64?
    private var overflowed = false

    public init(formats: [WiegandFormat] = WiegandFormat.defaults, quietMicroseconds: Int64 = 25_000) {
        self.formats = formats
        self.quietMicroseconds = quietMicroseconds
    }

    /// A pulse on `line` at `time` (microseconds, any monotonic clock): the frame before it, if
    /// the lines had been quiet long enough for it to end, and the bit counted.
    public mutating func pulse(_ line: Line, at time: Int64) -> Frame? {
        let ended = tick(at: time)
        if bits.count >= Self.maximumBits { overflowed = true } else { bits.append(line == .d1) }
        lastPulse = time
        return ended
    }

    /// Time passed: the frame, once the lines have been quiet for `quietMicroseconds`.
    public mutating func tick(at time: Int64) -> Frame? {
        guard let last = lastPulse, time - last >= quietMicroseconds, !bits.isEmpty else { return nil }
        defer { (bits, lastPulse, overflowed) = ([], nil, false) }
        return overflowed ? .fault(.overflow) : Self.read(bits, formats: formats)
    }

    /// When the frame in progress ends if nothing more comes; nil with none in progress.
    public var dueAt: Int64? { lastPulse.map { $0 + quietMicroseconds } }

    /// What a whole frame is.
    public static func read(_ bits: [Bool], formats: [WiegandFormat]) -> Frame {
        switch bits.count {
        case 4:
            return key(Int(WiegandFormat.value(bits, 0...3)), bits: 4)
        case 8:
            // The key in the low half, its complement in the high half.
            let high = WiegandFormat.value(bits, 0...3), low = WiegandFormat.value(bits, 4...7)
            return high == (~low & 0xF) ? key(Int(low), bits: 8) : .fault(.badKey(bits: 8))
        default:
            break
        }
        if bits.count < minimumCardBits, formats.allSatisfy({ $0.bitCount != bits.count }) { return .fault(.stray(bits: bits.count)) }
        let candidates = formats.filter { $0.bitCount == bits.count }
        guard !candidates.isEmpty else { return .raw(raw(bits)) }
        guard let format = candidates.first(where: { format in format.parities.allSatisfy { $0.holds(in: bits) } }) else {
            return .fault(.parity(format: candidates[0].name, bits: bits.count))
        }
        let number = WiegandFormat.value(bits, format.number)
        let value = format.facility.map { "\(WiegandFormat.value(bits, $0)):\(number)" } ?? "\(number)"
        return .card(format: format.name, value: value)
    }

    /// `raw:{bits}:{HEX}`: the bit count, then the bits left-aligned in uppercase hex.
    public static func raw(_ bits: [Bool]) -> String {
        let padded = bits + Array(repeating: false, count: (4 - bits.count % 4) % 4)
        let digits = stride(from: 0, to: padded.count, by: 4).map { start in
            String(WiegandFormat.value(padded, start...(start + 3)), radix: 16, uppercase: true)
        }
        return "raw:\(bits.count):\(digits.joined())"
    }

    private static func key(_ code: Int, bits: Int) -> Frame {
        switch code {
        case 0...9: .key(Character(String(code)))
        case 10: .key("*")
        case 11: .key("#")
        default: .fault(.badKey(bits: bits))
        }
    }
}
