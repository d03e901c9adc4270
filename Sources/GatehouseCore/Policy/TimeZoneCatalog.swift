import Foundation
import Synchronization

/// The IANA time zones the device knows, from the system's tz database through Foundation.
/// Zones are loaded once and kept: a schedule check is an offset lookup.
public final class TimeZoneCatalog: Sendable {
    private let zones = Mutex<[String: TimeZone]>([:])

    public init() {}

    /// Whether `name` is a zone the device knows.
    public func isKnown(_ name: String) -> Bool { zone(name) != nil }

    /// The local time in zone `name` at `time`, or nil when the zone is unknown.
    public func localTime(_ time: Timestamp, in name: String) -> LocalTime? {
        guard let zone = zone(name) else { return nil }
        let date = Date(timeIntervalSince1970: Double(time.millisecondsSinceEpoch) / 1000)
        return LocalTime(time, offsetSeconds: zone.secondsFromGMT(for: date))
    }

    private func zone(_ name: String) -> TimeZone? {
        if let known = zones.withLock({ $0[name] }) { return known }
        guard let loaded = TimeZone(identifier: name) else { return nil }
        zones.withLock { $0[name] = loaded }
        return loaded
    }
}
