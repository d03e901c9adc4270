import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Named moments of a bundle's apply at which the crash tests kill the process: with
/// `GATEHOUSE_FAULT=<name>` in its environment, a process that reaches that moment sends
/// itself SIGKILL there, as a power cut or the OOM killer would. Unset, each is one
/// comparison with a value read once.
enum FaultPoint: String, CaseIterable {
    /// A snapshot's file is loaded and synced, not yet renamed into place.
    case snapshotLoaded = "snapshot-loaded"
    /// It is renamed into place; the pointer still names the file before it.
    case snapshotRenamed = "snapshot-renamed"
    /// A delta is committed to the policy file; its `bundle_applied` event is not stored yet.
    case deltaCommitted = "delta-committed"

    private static let armed: FaultPoint? = ProcessInfo.processInfo.environment["GATEHOUSE_FAULT"].flatMap(FaultPoint.init(rawValue:))

    static func reach(_ point: FaultPoint) {
        guard armed == point else { return }
        kill(getpid(), SIGKILL)
    }
}
