import GatehouseCore
import Testing

@Suite("Keyboard-wedge scanners: keys back to text")
struct KeystrokeDecoderTests {
    /// Key events as a scanner sends them: (code, 1) pressed, (code, 0) released.
    typealias Recording = [(UInt16, Int32)]

    static func press(_ codes: UInt16...) -> Recording { codes.flatMap { [($0, Int32(1)), ($0, Int32(0))] } }
    static func shifted(_ codes: UInt16...) -> Recording { [(42, 1)] + codes.flatMap { press($0) } + [(42, 0)] }
    static let enter = press(28)

    func decode(_ recording: Recording, _ layout: KeyboardLayout.Name) -> [String] {
        var decoder = KeystrokeDecoder(layout: KeyboardLayout(layout))
        return recording.compactMap { decoder.on(key: $0.0, value: $0.1) }
    }

    @Test("a US scanner's recording of a token's characters: letters, digits, dash, underscore and dot")
    func usLayout() {
        // "Ab-_9.z" then Enter, as a scanner set to a US layout types it.
        let recording = Self.shifted(30) + Self.press(48, 12) + Self.shifted(12) + Self.press(10, 52, 44) + Self.enter
        #expect(decode(recording, .us) == ["Ab-_9.z"])
    }

    @Test("the same text from a scanner set to a German layout: QWERTZ, its own dash and underscore, AltGr")
    func germanLayout() {
        // "Ab-_9.z@" then Enter on a German layout: z is where y is on US, - and _ on the key right of the dot.
        let recording = Self.shifted(30) + Self.press(48, 53) + Self.shifted(53) + Self.press(10, 52, 21) + [(100, 1)] + Self.press(16) + [(100, 0)] + Self.enter
        #expect(decode(recording, .de) == ["Ab-_9.z@"])
        #expect(decode(recording, .us) == ["Ab/?9.y"], "read with the wrong layout it is another text")
    }

    @Test("Caps Lock shifts letters only; Shift undoes it; repeats, unknown keys and empty lines give nothing")
    func capsLockAndNoise() {
        let recording = Self.press(58) + Self.press(30) + Self.shifted(48) + Self.press(2) + Self.press(58) + Self.press(30)
            + [(30, 2), (30, 2)] + Self.press(200) + Self.enter + Self.enter + Self.press(2) + Self.press(96)
        #expect(decode(recording, .us) == ["Ab1a", "1"])
    }
}
