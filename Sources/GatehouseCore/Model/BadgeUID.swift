/// Badge UIDs as the cache stores them: uppercase hex, no separators, every byte with its
/// leading zero (`04A2B3C4D5E6F7`). Readers and staff exports write them in other ways.
public enum BadgeUID {
    /// UIDs are 4, 7 or 10 bytes for ISO 14443A; other technologies use other lengths,
    /// so any whole number of bytes in this range is accepted.
    public static let byteCountRange = 4...20

    /// Whether `text` is already in the stored form.
    public static func isNormalized(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard utf8.count % 2 == 0, byteCountRange.contains(utf8.count / 2) else { return false }
        return utf8.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x46).contains($0) }
    }

    /// The stored form of a UID written with separators (`:`, `-`, `.`, space), in lowercase,
    /// or with a `0x` prefix; nil when what remains is not a whole number of hex bytes.
    public static func normalize(_ text: String) -> String? {
        var digits = text.trimmingWhitespace()
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") { digits.removeFirst(2) }
        let separators: Set<Character> = [":", "-", ".", " "]
        let normalized = String(digits.filter { !separators.contains($0) }).uppercased()
        return isNormalized(normalized) ? normalized : nil
    }

    /// The stored form of raw UID bytes, as a reader returns them.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and line breaks.
    public func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
