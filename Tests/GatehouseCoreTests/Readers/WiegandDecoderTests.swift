import GatehouseCore
import Testing

@Suite("The Wiegand decoder")
struct WiegandDecoderTests {
    /// Feeds a frame written as 0s and 1s, a bit a millisecond, and the quiet after it.
    static func decode(_ text: String, formats: [WiegandFormat] = WiegandFormat.defaults) -> WiegandDecoder.Frame? {
        var decoder = WiegandDecoder(formats: formats)
        var time: Int64 = 1_000_000
        for character in text where character == "0" || character == "1" {
            #expect(decoder.pulse(character == "1" ? .d1 : .d0, at: time) == nil, "no frame ends while the bits come")
            time += 1000
        }
        #expect(decoder.tick(at: time + 10_000) == nil, "not yet quiet for 25 ms")
        return decoder.tick(at: time + 25_000)
    }

    /// Packs a facility code and a number into `format`'s bits with its parities, for formats
    /// without an outside vector.
    static func pack(_ format: WiegandFormat, facility: UInt64?, number: UInt64) -> String {
        var bits = Array(repeating: false, count: format.bitCount)
        func put(_ value: UInt64, _ range: ClosedRange<Int>) {
            for (offset, index) in range.enumerated() { bits[index] = (value >> UInt64(range.count - 1 - offset)) & 1 == 1 }
        }
        if let facility, let range = format.facility { put(facility, range) }
        put(number, format.number)
        for parity in format.parities.reversed() {  // the all-over parity of Corporate 1000 last
            let ones = parity.covered.filter { bits[$0] }.count
            bits[parity.bit] = parity.kind == .even ? ones % 2 == 1 : ones % 2 == 0
        }
        return bits.map { $0 ? "1" : "0" }.joined()
    }

    @Test("cards in the standard formats, from vectors made outside this code (HID H10301 123:4567, Corporate 1000 2345:678901)")
    func standardCards() {
        #expect(Self.decode("10111101100010001110101110") == .card(format: "H10301", value: "123:4567"))
        #expect(Self.decode("00100100101001101001011011111101011") == .card(format: "C1000-35", value: "2345:678901"))
        #expect(Self.decode(Self.pack(.h10306, facility: 1234, number: 56789)) == .card(format: "H10306", value: "1234:56789"))
        #expect(Self.decode(Self.pack(.h10304, facility: 12345, number: 123_456)) == .card(format: "H10304", value: "12345:123456"))
        #expect(
            Self.decode(Self.pack(.h10302, facility: nil, number: 9_876_543_210), formats: [.h10302]) == .card(format: "H10302", value: "9876543210"),
            "a reader configured for H10302 reads 37 bits as one number")
    }

    @Test("a parity error is a fault under the format its length matches, never a card")
    func parityErrors() {
        var bits = Array("10111101100010001110101110")
        bits[5] = bits[5] == "1" ? "0" : "1"
        #expect(Self.decode(String(bits)) == .fault(.parity(format: "H10301", bits: 26)))
        var corporate = Array("00100100101001101001011011111101011")
        corporate[20] = corporate[20] == "1" ? "0" : "1"
        #expect(Self.decode(String(corporate)) == .fault(.parity(format: "C1000-35", bits: 35)))
    }

    @Test("bits no format matches are raw, left-aligned in hex; fewer than 16 are noise; keypads send 4 and 8 bits; too many bits overflow")
    func rawKeysOverflow() {
        #expect(Self.decode(String(repeating: "1", count: 30)) == .raw("raw:30:FFFFFFFC"))
        #expect(Self.decode("1010" + "0000" + "1" + "0000000") == .raw("raw:16:A080"))
        // Shorter than any card, and not a key: noise.
        #expect(Self.decode("1010" + "0000" + "1") == .fault(.stray(bits: 9)))
        #expect(Self.decode("1") == .fault(.stray(bits: 1)))
        #expect(Self.decode("0101") == .key("5"))
        #expect(Self.decode("1010") == .key("*"))
        #expect(Self.decode("0100" + "1011") == .key("#"), "8 bits: the complement, then the key")
        #expect(Self.decode("0000" + "1011") == .fault(.badKey(bits: 8)))
        #expect(Self.decode("1111") == .fault(.badKey(bits: 4)))
        #expect(Self.decode(String(repeating: "0", count: 130)) == .fault(.overflow))
    }

    @Test("a quiet gap ends a frame: two taps in a row are two frames")
    func framesSplitOnQuiet() {
        var decoder = WiegandDecoder()
        var time: Int64 = 0
        var frames: [WiegandDecoder.Frame] = []
        for frame in ["10111101100010001110101110", "0101"] {
            for character in frame {
                if let ended = decoder.pulse(character == "1" ? .d1 : .d0, at: time) { frames.append(ended) }
                time += 1500
            }
            time += 40_000
        }
        #expect(frames == [.card(format: "H10301", value: "123:4567")], "the first ends at the second's first pulse")
        #expect(decoder.dueAt != nil)
        if let last = decoder.tick(at: time) { frames.append(last) }
        #expect(frames.last == .key("5") && decoder.dueAt == nil)
    }

    @Test("a custom format is checked: fields and parities inside its bits")
    func customFormatProblems() {
        #expect(WiegandFormat.h10301.problem == nil && WiegandFormat.corporate1000.problem == nil)
        let wide = WiegandFormat(name: "x", bitCount: 26, parities: [], facility: 1...8, number: 9...26)
        #expect(wide.problem == "a field (9...26) lies outside the 26 bits")
        let stray = WiegandFormat(name: "y", bitCount: 20, parities: [.init(bit: 0, kind: .even, covered: [1, 25])], facility: nil, number: 1...19)
        #expect(stray.problem?.contains("parity bit 0") == true)
    }
}
