import Foundation
import GatehouseThreads
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// libnfc prints its messages (`error	libnfc.driver.pn532_uart	Unable to read ACK`) to C's
/// `stderr` stream and offers no callback. ``forward(to:)`` points that stream at a pipe whose
/// other end a thread of its own reads, and each line becomes a log entry at libnfc's priority,
/// with its category as `nfc.category`. So the daemon's log has one format, and libnfc's lines
/// are filtered by the daemon's log level like every other.
public enum LibNFCLog {
    /// What ``forward(to:)`` changed, for ``stop()``: C's `stderr` stream as it was, the pipe's
    /// stream that replaced it, and the thread reading the pipe.
    private struct Installation: @unchecked Sendable {
        // The two FILE pointers are only read and written under `installed`'s lock.
        var original: UnsafeMutablePointer<FILE>?
        var stream: UnsafeMutablePointer<FILE>?
        var variable: UnsafeMutableRawPointer?
        var thread: DedicatedThread?
    }

    private static let installed = Mutex<Installation?>(nil)
    /// The pipe's read end once installed, and whether the thread is between a read and the
    /// last of its lines, for ``drain()``.
    private static let readEnd = Atomic<Int32>(-1)
    private static let pumping = Atomic<Bool>(false)

    /// Sends everything written to C's `stderr` stream from now on to `logger`. Call it once,
    /// early, after the logging system is bootstrapped and `logger` exists: swift-log's stream
    /// handler then already holds the real standard error (it writes there, not through the
    /// pipe). Later calls do nothing.
    public static func forward(to logger: Logger) {
        installed.withLock { installed in
            // C's `stderr` is a mutable global that Swift 6 will not touch, so it is reached by its
            // address, the one every library in the process reads it from. This runs once, under
            // `installed`'s lock, before any reader thread exists.
            guard installed == nil, let variable = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "stderr") else { return }
            var pipeEnds: [Int32] = [0, 0]
            guard pipe(&pipeEnds) == 0 else { return }
            guard let stream = fdopen(pipeEnds[1], "w") else {
                close(pipeEnds[0])
                close(pipeEnds[1])
                return
            }
            setvbuf(stream, nil, _IOLBF, 0)
            fflush(nil)
            let slot = variable.assumingMemoryBound(to: UnsafeMutablePointer<FILE>?.self)
            let original = slot.pointee
            // The pipe's write end now belongs to the stream, until ``stop()`` closes it.
            slot.pointee = stream
            let read = pipeEnds[0]
            readEnd.store(read, ordering: .releasing)
            let thread = DedicatedThread(name: "gatehouse.libnfc-log") {
                pump(read, into: logger)
                close(read)
            }
            installed = Installation(original: original, stream: stream, variable: variable, thread: thread)
        }
    }

    /// Puts C's `stderr` back, closes the pipe (the thread logs what is left, then ends) and
    /// waits for the thread. The daemon calls it as it stops; ``forward(to:)`` may be called again.
    public static func stop() async {
        let thread: DedicatedThread? = installed.withLock { installed in
            guard let current = installed, let variable = current.variable else { return nil }
            fflush(nil)
            variable.assumingMemoryBound(to: UnsafeMutablePointer<FILE>?.self).pointee = current.original
            if let stream = current.stream { fclose(stream) }
            readEnd.store(-1, ordering: .releasing)
            installed = nil
            return current.thread
        }
        await thread?.join()
    }

    /// Waits, up to 200 ms, until what libnfc wrote so far is logged: a command-line tool calls it
    /// before it prints its own result, so that libnfc's reasons come first.
    public static func drain() {
        let descriptor = readEnd.load(ordering: .acquiring)
        guard descriptor >= 0 else { return }
        fflush(nil)
        for _ in 0..<40 {
            var waiting: Int32 = 0
            guard ioctl(descriptor, UInt(FIONREAD), &waiting) == 0 else { return }
            if waiting == 0 && !pumping.load(ordering: .acquiring) { return }
            usleep(5_000)
        }
    }

    /// Reads lines from the pipe until it closes, logging each.
    private static func pump(_ descriptor: Int32, into logger: Logger) {
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(descriptor, &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return }
            pumping.store(true, ordering: .releasing)
            pending += chunk[0..<count]
            while let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
                log(String(decoding: pending[..<end], as: UTF8.self), into: logger)
                pending.removeSubrange(...end)
            }
            pumping.store(false, ordering: .releasing)
        }
    }

    /// `PRIORITY<TAB>CATEGORY<TAB>MESSAGE`, as libnfc's log_put writes; anything else (nfc_perror's
    /// `what: reason`) is logged whole as an error.
    static func log(_ line: String, into logger: Logger) {
        let fields = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count == 3 else {
            if !line.isEmpty { logger.error("\(line)") }
            return
        }
        let level: Logger.Level =
            switch fields[0] {
            case "error": .error
            case "info": .info
            case "debug": .debug
            default: .trace
            }
        logger.log(level: level, "\(fields[2])", metadata: ["nfc.category": "\(fields[1])"])
    }
}
