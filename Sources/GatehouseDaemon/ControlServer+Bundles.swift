import Foundation
import GatehouseCore
import GatehouseStore
import Logging

#if canImport(Glibc)
import Glibc
#endif

extension ControlServer {
    /// Queues the bundle file at `path` on the bundle thread, which writes its progress and then
    /// its reply on `connection`; the control socket goes on serving meanwhile.
    func handOff(_ path: String, origin: String, connection: UnixSocket) throws(DaemonError) {
        guard access(path, R_OK) == 0 else {
            let reason = String(cString: strerror(errno))
            throw DaemonError(
                .permission, "the daemon (user \(ControlPermissions.userName(getuid()))) cannot read \(path): \(reason); make the file readable by it")
        }
        let logger = logger
        let job = BundleWorker.Job(
            source: .file(path), origin: .local, label: origin,
            progress: { progress in
                // A client gone away stops hearing progress; the apply goes on.
                try? connection.write(Array((JSONValue.object(ControlRequest.progress(progress)).serialized + "\n").utf8))
            },
            done: { report in
                do throws(DaemonError) {
                    try connection.write(Array((JSONValue.object(ControlRequest.reply(report)).serialized + "\n").utf8))
                } catch {
                    logger.notice("control reply not delivered", metadata: ["error": "\(error.message)"])
                }
            })
        guard bundles.submit(job) else { throw DaemonError(.busy, "four bundles are already waiting to be applied; try again when they are done") }
    }
}
