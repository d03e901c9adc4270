import Foundation
import GatehouseCore

/// The wall clock, for timestamps, schedules and validity only (house rule 6); every duration
/// runs on `MonotonicClock`. The core takes time as a parameter.
public enum WallClock {
    public static func now() -> Timestamp {
        Timestamp(millisecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }

    /// Reads `90s`, `15m`, `8h` or `7d` as seconds.
    public static func seconds(_ text: String) -> Int64? {
        guard let unit = text.last, let number = Int64(text.dropLast()), number > 0 else { return Int64(text) }
        switch unit {
        case "s": return number
        case "m": return number * 60
        case "h": return number * 3600
        case "d": return number * 86_400
        default: return nil
        }
    }
}
