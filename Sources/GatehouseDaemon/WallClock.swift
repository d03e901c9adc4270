import Foundation
import GatehouseCore

/// The wall clock, for timestamps, schedules and validity only (house rule 6); every duration
/// runs on `MonotonicClock`. The core takes time as a parameter.
public enum WallClock {
    public static func now() -> Timestamp {
        Timestamp(millisecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }

}
