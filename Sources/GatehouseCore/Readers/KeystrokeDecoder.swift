/// Reads what a keyboard-wedge scanner types back into text: key presses and releases (Linux
/// `EV_KEY` events) in, one code out per Enter. Shift and AltGr are followed as held, Caps Lock
/// as toggled (it shifts letters only); key repeats and keys that type nothing are ignored.
public struct KeystrokeDecoder: Sendable, Equatable {
    /// Linux input event codes of the keys that are not characters.
    enum Key {
        static let enter: UInt16 = 28
        static let keypadEnter: UInt16 = 96
        static let leftShift: UInt16 = 42
        static let rightShift: UInt16 = 54
        static let capsLock: UInt16 = 58
        static let rightAlt: UInt16 = 100
    }

    /// A line longer than this without an Enter is noise, not a code.
    public static let longestLine = 4096

    public let layout: KeyboardLayout
    private var shiftsHeld: Set<UInt16> = []
    private var altGraphHeld = false
    private var capsLock = false
    private var line: String = ""

    public init(layout: KeyboardLayout) {
        self.layout = layout
    }

    /// One key event: `value` 1 pressed, 0 released, 2 repeated. Returns the finished line when
    /// Enter is pressed after at least one character.
    public mutating func on(key code: UInt16, value: Int32) -> String? {
        switch (code, value) {
        case (Key.leftShift, 1), (Key.rightShift, 1): shiftsHeld.insert(code)
        case (Key.leftShift, 0), (Key.rightShift, 0): shiftsHeld.remove(code)
        case (Key.rightAlt, _): altGraphHeld = value != 0
        case (Key.capsLock, 1): capsLock.toggle()
        case (Key.enter, 1), (Key.keypadEnter, 1):
            defer { line = "" }
            return line.isEmpty ? nil : line
        case (_, 1):
            guard var character = layout.character(code, shift: !shiftsHeld.isEmpty, altGraph: altGraphHeld) else { return nil }
            if capsLock && character.isLetter {
                character = Character(shiftsHeld.isEmpty ? character.uppercased() : character.lowercased())
            }
            if line.utf8.count < Self.longestLine { line.append(character) }
        default:
            break
        }
        return nil
    }
}
