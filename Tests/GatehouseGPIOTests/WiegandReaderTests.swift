import GatehouseCore
import GatehouseGPIO
import Testing

/// A Wiegand reader through its simulated lines, fed edge sequences with kernel-style
/// timestamps: a bit every 2 ms with up to 0.4 ms of jitter, batches split where a poll would
/// return, as the libgpiod adapter hands them over.
@Suite struct WiegandReaderTests {
    /// H10301 123:4567 and Corporate 1000 2345:678901, packed by an outside tool (proxmark3's
    /// packing logic), the same vectors as the decoder's own tests.
    static let h10301 = "10111101100010001110101110"
    static let corporate1000 = "00100100101001101001011011111101011"

    /// Pulses for `bits` from `start` µs, a bit every 2 ms give or take 0.4 ms.
    static func edges(_ bits: String, from start: Int64 = 5_000_000, seed: UInt64 = 7) -> [WiegandPulse] {
        var random = seed
        return bits.enumerated().map { index, bit in
            random = random &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let jitter = Int64(random >> 33) % 800 - 400
            return WiegandPulse(bit == "1" ? .d1 : .d0, at: start + Int64(index) * 2000 + jitter)
        }
    }

    /// A format's frame packed here, parity computed from the format's own definition.
    static func pack(_ format: WiegandFormat, facility: UInt64?, number: UInt64) -> String {
        var bits = [Bool](repeating: false, count: format.bitCount)
        func put(_ value: UInt64, _ range: ClosedRange<Int>) {
            for (offset, index) in range.enumerated() { bits[index] = (value >> UInt64(range.count - 1 - offset)) & 1 == 1 }
        }
        if let facility, let range = format.facility { put(facility, range) }
        put(number, format.number)
        // Odd parity over all others (Corporate 1000's bit 0) is set last.
        for parity in format.parities.sorted(by: { $0.covered.count < $1.covered.count }) {
            let ones = parity.covered.filter { bits[$0] }.count
            bits[parity.bit] = parity.kind == .even ? ones % 2 == 1 : ones % 2 == 0
        }
        return String(bits.map { $0 ? "1" : "0" })
    }

    func reader(formats: [WiegandFormat] = WiegandFormat.defaults) throws -> (WiegandReader, SimulatedWiegandLines) {
        let lines = SimulatedWiegandLines()
        let reader = WiegandReader(lines: lines, settings: .init(d0: 5, d1: 6, formats: formats))
        try reader.open()
        return (reader, lines)
    }

    /// What the reader delivers until it has found nothing for eight looks in a row (a look
    /// that takes a batch without ending a frame finds nothing too).
    func drain(_ reader: WiegandReader) throws -> [ReaderInput] {
        var inputs: [ReaderInput] = [], quiet = 0
        while quiet < 8 {
            if let input = try reader.read() { inputs.append(input); quiet = 0 } else { quiet += 1 }
        }
        return inputs
    }

    @Test func eachFormatBecomesItsCardNumber() throws {
        let (reader, lines) = try reader(formats: WiegandFormat.defaults)
        lines.feed(Self.edges(Self.h10301))
        lines.feed(Self.edges(Self.corporate1000, from: 6_000_000))
        lines.feed(Self.edges(Self.pack(.h10306, facility: 4321, number: 65_000), from: 7_000_000))
        lines.feed(Self.edges(Self.pack(.h10304, facility: 40_000, number: 500_000), from: 8_000_000))
        #expect(try drain(reader) == [.card("123:4567"), .card("2345:678901"), .card("4321:65000"), .card("40000:500000")])
    }

    @Test func h10302IsReadWhenTheReaderNamesIt() throws {
        let (reader, lines) = try reader(formats: [.h10302])
        lines.feed(Self.edges(Self.pack(.h10302, facility: nil, number: 34_000_000_000)))
        #expect(try drain(reader) == [.card("34000000000")])
    }

    @Test func aFrameSplitAcrossPollsIsOneFrame() throws {
        let (reader, lines) = try reader()
        let edges = Self.edges(Self.h10301)
        lines.feed(Array(edges[0..<7]))
        lines.feed(Array(edges[7..<20]))
        lines.feed(Array(edges[20...]))
        let got = try drain(reader)
        #expect(got == [.card("123:4567")])
    }

    @Test func twoFramesInOneBatchAreTwoCards() throws {
        let (reader, lines) = try reader()
        lines.feed(Self.edges(Self.h10301) + Self.edges(Self.corporate1000, from: 5_200_000))
        #expect(try drain(reader) == [.card("123:4567"), .card("2345:678901")])
    }

    @Test func aParityErrorIsABadFrameNeverACard() throws {
        let (reader, lines) = try reader()
        var flipped = Array(Self.h10301)
        flipped[12] = flipped[12] == "1" ? "0" : "1"
        lines.feed(Self.edges(String(flipped)))
        guard case .badFrame(let why)? = try drain(reader).first else { Issue.record("a flipped bit was read as a card"); return }
        #expect(why.contains("parity") && why.contains("26"))
    }

    @Test func aFrameCutShortIsRawBitsAndNoiseIsABadFrame() throws {
        let (reader, lines) = try reader()
        // The first 25 bits of a 26-bit card: no format has 25 bits.
        lines.feed(Self.edges(String(Self.h10301.prefix(25))))
        // Three pulses of noise, far from any frame.
        lines.feed(Self.edges("101", from: 9_000_000))
        let inputs = try drain(reader)
        #expect(inputs.count == 2)
        #expect(inputs.first == .card(WiegandDecoder.raw(Self.h10301.prefix(25).map { $0 == "1" })))
        guard case .badFrame(let why)? = inputs.last else { Issue.record("noise was decided: \(inputs)"); return }
        #expect(why.contains("stray 3-bit"))
    }

    @Test func keypadKeysIn4And8Bits() throws {
        let (reader, lines) = try reader()
        // 4 bits: 7. 8 bits: the complement of 5 then 5 (1010 0101), then # (11) as 4 bits.
        lines.feed(Self.edges("0111"))
        lines.feed(Self.edges("10100101", from: 6_000_000))
        lines.feed(Self.edges("1011", from: 7_000_000))
        // 8 bits whose halves disagree.
        lines.feed(Self.edges("00000101", from: 8_000_000))
        let inputs = try drain(reader)
        #expect(Array(inputs.prefix(3)) == [.keys("7"), .keys("5"), .keys("#")])
        guard case .badFrame? = inputs.last else { Issue.record("a bad key byte was taken: \(inputs)"); return }
    }

    @Test func aCustomFormatFromTheConfiguration() throws {
        let config = try GatehouseConfig.parse(toml: WiegandConfigTests.base + """
            [wiegand_formats.site40]
            bits = 40
            facility = [1, 16]
            number = [17, 38]
            parity = [{ bit = 0, kind = "even", from = 1, to = 19 }, { bit = 39, kind = "odd", from = 20, to = 38 }]
            [readers.keypad]
            type = "wiegand"
            d0 = 5
            d1 = 6
            formats = ["site40", "H10301"]
            door = "gate"
            """, file: "g.toml")
        guard case .wiegand(let settings)? = config.reader("keypad")?.source else { Issue.record("not a Wiegand reader"); return }
        let lines = SimulatedWiegandLines()
        let reader = WiegandReader(lines: lines, settings: settings)
        try reader.open()
        lines.feed(Self.edges(Self.pack(settings.formats[0], facility: 777, number: 1_000_000)))
        lines.feed(Self.edges(Self.h10301, from: 6_000_000))
        #expect(try drain(reader) == [.card("777:1000000"), .card("123:4567")])
    }

    @Test func anUnpluggedReaderFailsAndReopens() throws {
        let (reader, lines) = try reader()
        lines.unplug()
        #expect(throws: ReaderFault.self) { try reader.read() }
        reader.close()
        #expect(throws: ReaderFault.self) { try reader.open() }
        lines.plug()
        try reader.open()
        lines.feed(Self.edges(Self.h10301))
        #expect(try drain(reader) == [.card("123:4567")])
    }

    @Test func libgpiodIsTriedUpToOpeningTheChip() {
        let lines = GPIODWiegandLines(settings: .init(chip: "gpiochip-gatehouse-none", d0: 5, d1: 6))
        #expect(lines.connection == "gpiochip-gatehouse-none:5,6")
        do {
            try lines.open()
            Issue.record("a chip that does not exist was opened")
        } catch {
            #expect(error.reason == .openFailed)
            #expect(error.detail.contains("gpiochip-gatehouse-none"))
        }
        #expect(throws: ReaderFault.self) { try lines.pulses(waitingMilliseconds: 10) }
    }
}
