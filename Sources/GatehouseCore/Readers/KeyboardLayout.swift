/// How a keyboard-wedge scanner's key codes (Linux input event codes) become characters: the
/// keyboard layout the scanner is set to type in. A wedge scanner "types" a code as a person
/// would on that layout, so the daemon must read the keys back with the same one.
public struct KeyboardLayout: Sendable, Equatable {
    /// A layout's name as `layout` in a reader's table takes it.
    public enum Name: String, Sendable, CaseIterable { case us, de }

    public let name: Name
    private let plain: [UInt16: Character]
    private let shifted: [UInt16: Character]
    private let altGraph: [UInt16: Character]

    public init(_ name: Name) {
        self.name = name
        var plain: [UInt16: Character] = [57: " "]
        var shifted: [UInt16: Character] = [57: " "]
        var altGraph: [UInt16: Character] = [:]
        func row(_ first: UInt16, _ lower: String, _ upper: String) {
            for (offset, (low, high)) in zip(lower, upper).enumerated() {
                plain[first + UInt16(offset)] = low
                shifted[first + UInt16(offset)] = high
            }
        }
        switch name {
        case .us:
            row(2, "1234567890-=", "!@#$%^&*()_+")
            row(16, "qwertyuiop[]", "QWERTYUIOP{}")
            row(30, "asdfghjkl;'`", "ASDFGHJKL:\"~")
            row(43, "\\", "|")
            row(44, "zxcvbnm,./", "ZXCVBNM<>?")
        case .de:
            row(2, "1234567890ß´", "!\"§$%&/()=?`")
            row(16, "qwertzuiopü+", "QWERTZUIOPÜ*")
            row(30, "asdfghjklöä^", "ASDFGHJKLÖÄ°")
            row(43, "#", "'")
            row(44, "yxcvbnm,.-", "YXCVBNM;:_")
            row(86, "<", ">")
            altGraph = [16: "@", 8: "{", 9: "[", 10: "]", 11: "}", 12: "\\", 27: "~", 86: "|", 18: "€"]
        }
        // The keypad types the same on every layout.
        for (code, character) in [(71, "7"), (72, "8"), (73, "9"), (74, "-"), (75, "4"), (76, "5"), (77, "6"), (78, "+"), (79, "1"), (80, "2"), (81, "3"), (82, "0"), (83, "."), (55, "*"), (98, "/")] as [(UInt16, Character)] {
            plain[code] = character
            shifted[code] = character
        }
        self.plain = plain
        self.shifted = shifted
        self.altGraph = altGraph
    }

    /// The character a key types with these modifiers, or nil for a key that types none.
    public func character(_ code: UInt16, shift: Bool, altGraph useAltGraph: Bool) -> Character? {
        if useAltGraph { return altGraph[code] }
        return shift ? shifted[code] : plain[code]
    }
}
