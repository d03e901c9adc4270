/// Durations as every command-line option writes them: a whole number with its unit, `90s`,
/// `15m`, `8h` or `30d`. A bare number is refused: `8` could mean seconds or hours.
public enum DurationText {
    /// The duration in seconds; nil when the text is not a positive number with a unit.
    public static func seconds(_ text: String) -> Int64? {
        guard let unit = text.last, let number = Int64(text.dropLast()), number > 0, text.first != "+" else { return nil }
        switch unit {
        case "s": return number
        case "m": return number.multipliedReportingOverflow(by: 60).overflow ? nil : number * 60
        case "h": return number.multipliedReportingOverflow(by: 3600).overflow ? nil : number * 3600
        case "d": return number.multipliedReportingOverflow(by: 86_400).overflow ? nil : number * 86_400
        default: return nil
        }
    }

    /// The error for `option` given `text`, with an example.
    public static func problem(_ option: String, _ text: String) -> String {
        let bare = Int64(text) != nil
        return "\(option): expected a duration with its unit, such as 90s, 15m, 8h or 30d, got \"\(text.prefix(40))\""
            + (bare ? " (a bare number is refused: write \(text)s, \(text)m, \(text)h or \(text)d)" : "")
    }
}
