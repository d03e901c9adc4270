import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C (SIGINT) and SIGTERM turned into a flag a command checks, instead of the end of the
/// process: so that `gpio pulse` and `gpio watch` put their lines back (a relay at rest) before
/// they exit, however they are stopped.
final class Interruption: Sendable {
    /// The flag the signal handlers set, apart from the sources that hold them.
    private final class Flag: Sendable {
        let value = Atomic<Bool>(false)
    }

    private let raised = Flag()
    // The sources are kept for as long as this lives; DispatchSource is thread-safe.
    private nonisolated(unsafe) let sources: [any DispatchSourceSignal]

    init() {
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            sources.append(source)
        }
        self.sources = sources
        for source in sources {
            source.setEventHandler { [raised] in raised.value.store(true, ordering: .relaxed) }
            source.resume()
        }
    }

    deinit {
        for source in sources { source.cancel() }
    }

    var isRaised: Bool { raised.value.load(ordering: .relaxed) }

    /// Sleeps until `duration` has passed or a signal came; whether one came.
    func sleep(for duration: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + duration
        while !isRaised, ContinuousClock.now < deadline {
            try await Task.sleep(for: min(.milliseconds(50), deadline - ContinuousClock.now))
        }
        return isRaised
    }
}
