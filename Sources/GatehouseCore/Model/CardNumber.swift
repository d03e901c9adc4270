/// A card number as contract section 7.1 writes it: `"{facility}:{number}"` or `"{number}"` in
/// decimal without leading zeros, or `"raw:{bits}:{HEX}"` for bits no format matched. The
/// Wiegand and OSDP decoders produce the canonical form; bundles must hold it, so that a card
/// is found whatever way its number was typed into the platform (``normalize(_:)``).
public enum CardNumber {
    /// The canonical form of `text`, or nil when it is not a card number: leading zeros are
    /// dropped from decimal fields (`"0123:00045"` is `"123:45"`), hex is uppercased.
    public static func normalize(_ text: String) -> String? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if parts.first?.lowercased() == "raw" {
            guard parts.count == 3, let bits = Int(parts[1]), (1...WiegandDecoder.maximumBits).contains(bits),
                parts[1].utf8.allSatisfy(isDigit), parts[2].count == (bits + 3) / 4, parts[2].utf8.allSatisfy(isHexDigit)
            else { return nil }
            return "raw:\(bits):\(parts[2].uppercased())"
        }
        guard (1...2).contains(parts.count) else { return nil }
        var fields: [String] = []
        for part in parts {
            // At most 19 digits: a field of up to 63 bits.
            guard !part.isEmpty, part.utf8.count <= 19, part.utf8.allSatisfy(isDigit), let value = UInt64(part) else { return nil }
            fields.append(String(value))
        }
        return fields.joined(separator: ":")
    }

    /// Whether `text` is a card number in its canonical form.
    public static func isNormalized(_ text: String) -> Bool { normalize(text) == text }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
    private static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }
}
