import GatehouseCore
import Synchronization

/// Zones and schedules as the bundle in force has them, decoded once: they are few, read on
/// every decision, and change only when a bundle is applied. The cache is keyed by the applied
/// bundle (version, hash and time of applying) as the read transaction saw it, so a new bundle
/// empties it at the first decision that sees it.
final class RecordCache: Sendable {
    private struct Entries {
        var bundle: AppliedBundle?
        var zones: [String: Zone?] = [:]
        var schedules: [String: Schedule?] = [:]
    }

    private let entries = Mutex(Entries())

    /// The cached zone for `bundle`, or what `load` decodes (then kept).
    func zone(_ id: String, bundle: AppliedBundle, load: () throws -> Zone?) throws -> Zone? {
        try cached(id, bundle: bundle, in: \.zones, load: load)
    }

    /// The cached schedule for `bundle`, or what `load` decodes (then kept).
    func schedule(_ id: String, bundle: AppliedBundle, load: () throws -> Schedule?) throws -> Schedule? {
        try cached(id, bundle: bundle, in: \.schedules, load: load)
    }

    private func cached<Record: Sendable>(
        _ id: String, bundle: AppliedBundle, in records: WritableKeyPath<Entries, [String: Record?]>, load: () throws -> Record?
    ) throws -> Record? {
        if let hit = entries.withLock({ $0.bundle == bundle ? $0[keyPath: records][id] : nil }) { return hit }
        let record = try load()
        entries.withLock { entries in
            if entries.bundle != bundle { entries = Entries(bundle: bundle) }
            entries[keyPath: records][id] = .some(record)
        }
        return record
    }
}
