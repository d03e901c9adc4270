/// A Wiegand card format: how many bits, which bits are parity over which, and where the
/// facility code and the card number sit. Bits are numbered in the order they arrive, from 0
/// (HID's documents number the same bits from 1).
public struct WiegandFormat: Sendable, Equatable {
    /// One parity bit: at `bit`, even or odd over the bits `covered` (itself excluded).
    public struct Parity: Sendable, Equatable {
        public enum Kind: String, Sendable, Equatable, CaseIterable { case even, odd }
        public var bit: Int
        public var kind: Kind
        public var covered: [Int]

        public init(bit: Int, kind: Kind, covered: [Int]) {
            self.bit = bit
            self.kind = kind
            self.covered = covered
        }

        /// Whether `bits` satisfy this parity.
        func holds(in bits: [Bool]) -> Bool {
            let ones = covered.filter { bits[$0] }.count + (bits[bit] ? 1 : 0)
            return kind == .even ? ones % 2 == 0 : ones % 2 == 1
        }
    }

    public var name: String
    public var bitCount: Int
    public var parities: [Parity]
    /// The facility code's bits, most significant first; nil for formats without one.
    public var facility: ClosedRange<Int>?
    /// The card number's bits, most significant first.
    public var number: ClosedRange<Int>

    public init(name: String, bitCount: Int, parities: [Parity], facility: ClosedRange<Int>?, number: ClosedRange<Int>) {
        self.name = name
        self.bitCount = bitCount
        self.parities = parities
        self.facility = facility
        self.number = number
    }

    /// What is wrong with the format's definition (a bit outside the frame, a field too wide),
    /// or nil; custom formats from the configuration are checked with it.
    public var problem: String? {
        guard (1...128).contains(bitCount) else { return "bits must be from 1 to 128, got \(bitCount)" }
        let fields = [facility, number].compactMap { $0 }
        for field in fields where field.lowerBound < 0 || field.upperBound >= bitCount {
            return "a field (\(field.lowerBound)...\(field.upperBound)) lies outside the \(bitCount) bits"
        }
        for field in fields where field.count > 63 {
            return "a field of \(field.count) bits does not fit a 63-bit number"
        }
        for parity in parities where !(0..<bitCount).contains(parity.bit) || parity.covered.contains(where: { !(0..<bitCount).contains($0) }) {
            return "the parity bit \(parity.bit) or what it covers lies outside the \(bitCount) bits"
        }
        return nil
    }

    /// The unsigned value of bits `range`, most significant first.
    static func value(_ bits: [Bool], _ range: ClosedRange<Int>) -> UInt64 {
        range.reduce(0) { ($0 << 1) | (bits[$1] ? 1 : 0) }
    }
}

extension WiegandFormat {
    /// HID H10301, 26 bits: even parity over bits 1 to 12, an 8-bit facility code, a 16-bit
    /// number, odd parity over bits 13 to 24.
    public static let h10301 = WiegandFormat(
        name: "H10301", bitCount: 26,
        parities: [Parity(bit: 0, kind: .even, covered: Array(1...12)), Parity(bit: 25, kind: .odd, covered: Array(13...24))],
        facility: 1...8, number: 9...24)

    /// HID H10306, 34 bits: a 16-bit facility code and a 16-bit number, each half under a parity.
    public static let h10306 = WiegandFormat(
        name: "H10306", bitCount: 34,
        parities: [Parity(bit: 0, kind: .even, covered: Array(1...16)), Parity(bit: 33, kind: .odd, covered: Array(17...32))],
        facility: 1...16, number: 17...32)

    /// HID Corporate 1000, 35 bits: a 12-bit company code and a 20-bit number under three
    /// interleaved parities: bit 1 even over every bit from 2 to 33 but each third from 4,
    /// bit 34 odd over every bit from 1 to 32 but each third from 3, bit 0 odd over all others.
    public static let corporate1000 = WiegandFormat(
        name: "C1000-35", bitCount: 35,
        parities: [
            Parity(bit: 1, kind: .even, covered: (2...33).filter { $0 % 3 != 1 }),
            Parity(bit: 34, kind: .odd, covered: (1...32).filter { $0 % 3 != 0 }),
            Parity(bit: 0, kind: .odd, covered: Array(1...34)),
        ],
        facility: 2...13, number: 14...33)

    /// HID H10302, 37 bits: a 35-bit number and no facility code.
    public static let h10302 = WiegandFormat(
        name: "H10302", bitCount: 37,
        parities: [Parity(bit: 0, kind: .even, covered: Array(1...18)), Parity(bit: 36, kind: .odd, covered: Array(18...35))],
        facility: nil, number: 1...35)

    /// HID H10304, 37 bits: a 16-bit facility code and a 19-bit number; the same parities as
    /// H10302, which it cannot be told from: a reader's formats say which of the two it reads.
    public static let h10304 = WiegandFormat(
        name: "H10304", bitCount: 37,
        parities: [Parity(bit: 0, kind: .even, covered: Array(1...18)), Parity(bit: 36, kind: .odd, covered: Array(18...35))],
        facility: 1...16, number: 17...35)

    /// The formats by name, as a reader's `formats` names them.
    public static let known: [String: WiegandFormat] = Dictionary(
        uniqueKeysWithValues: [h10301, h10306, corporate1000, h10302, h10304].map { ($0.name, $0) })

    /// A reader's formats when its configuration names none: 37 bits read as H10304.
    public static let defaults = [h10301, h10306, corporate1000, h10304]
}
