import Foundation
import GatehouseCore
import GatehouseThreads
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The daemon's local control socket, `control.sock` in the state directory: one JSON request
/// per connection, one JSON line back. `gatehouse simulate`, `mode` and `muster` go through it.
///
/// The socket file is mode 0660 (and belongs to `control.group` when one is configured), and
/// each connection's peer is checked (``ControlPermissions``): root, the daemon's own user and
/// the group's members are served, and only root and the members may change the mode. Connections are served one at a time on the
/// server's own thread, each with a read deadline, so a stuck client cannot hold the daemon.
public final class ControlServer: Sendable {
    /// The name of the socket file in the state directory.
    public static let socketName = "control.sock"
    /// The longest request accepted.
    static let maximumRequestBytes = 64 * 1024

    public let path: String
    private let listener: UnixSocket
    private let controller: AccessController
    private let panel: DaemonPanel
    let bundles: BundleWorker
    /// The simulated GPIO lines, or nil when the device drives real ones.
    private let simulatedGPIO: (any InputSimulatorPort)?
    /// The file SIGHUP reloads, for `reload_plan`.
    private let configPath: String?
    private let permissions: ControlPermissions
    let logger: Logger
    private let stopping = Atomic<Bool>(false)
    private let thread = Mutex<DedicatedThread?>(nil)

    /// Binds the socket now, so that it exists before the daemon reports itself ready.
    init(
        path: String, configPath: String?, controller: AccessController, panel: DaemonPanel, bundles: BundleWorker, simulatedGPIO: (any InputSimulatorPort)?, group: String?, logger: Logger
    ) throws(DaemonError) {
        self.configPath = configPath
        self.path = path
        // A socket that answers belongs to a daemon still running on this database: two would
        // number events twice. One that does not answer is left over from a crash.
        if (try? UnixSocket.connect(to: path)) != nil {
            throw DaemonError(.socket, "another gatehouse daemon is already running on \(path)")
        }
        permissions = try ControlPermissions(groupName: group)
        self.listener = try UnixSocket.listen(at: path, mode: 0o660)
        try permissions.share(path)
        self.controller = controller
        self.panel = panel
        self.bundles = bundles
        self.simulatedGPIO = simulatedGPIO
        self.logger = logger
    }

    /// The socket path for a database: the control socket lives beside it.
    public static func path(forDatabase database: String) -> String {
        let directory = (database as NSString).deletingLastPathComponent
        return (directory.isEmpty ? "." : directory) + "/" + socketName
    }

    func start() {
        thread.withLock { running in
            precondition(running == nil, "the control server starts once")
            running = DedicatedThread(name: "gatehouse.control") { [self] in serve() }
        }
    }

    /// Stops accepting, finishes the connection in hand, removes the socket file.
    func stop() async {
        stopping.store(true, ordering: .relaxed)
        await thread.withLock { $0 }?.join()
        unlink(path)
    }

    private func serve() {
        logger.info("control socket listening", metadata: ["control.path": "\(path)"])
        while !stopping.load(ordering: .relaxed) {
            do {
                guard let connection = try listener.accept(waiting: 250) else { continue }
                serve(connection)
            } catch {
                logger.error("control socket failed", metadata: ["error.code": "\(error.code)", "error": "\(error.message)"])
                Thread.sleep(forTimeInterval: 0.25)
            }
        }
    }

    private func serve(_ connection: UnixSocket) {
        let reply: JSONObject
        do throws(DaemonError) {
            // The request is read before the peer is judged, so that a refused client still
            // finds the refusal waiting instead of a closed connection.
            let line = try connection.readLine(limit: Self.maximumRequestBytes, waiting: 5000)
            let peer = try connection.peer()
            let standing = permissions.standing(of: peer)
            guard standing != .stranger else {
                logger.warning("control request refused", metadata: ["control.peer_uid": "\(peer.uid)", "refusal.reason": "permission"])
                throw DaemonError(.permission, "user \(peer.uid) may not use the control socket")
            }
            let request = try ControlRequest(line: line)
            if request.changesPolicy, standing == .daemonUser {
                logger.warning("control request refused", metadata: ["control.peer_uid": "\(peer.uid)", "refusal.reason": "permission"])
                throw DaemonError(.permission, "only root and the members of control.group may change the mode or apply a bundle")
            }
            let origin = "cli:\(ControlPermissions.userName(peer.uid))"
            if case .bundleApply(let path) = request {
                // The connection goes with the bundle to its thread, which answers on it.
                return try handOff(path, origin: origin, connection: connection)
            }
            reply = try respond(to: request, origin: origin)
        } catch {
            if error.code != .permission {
                logger.notice("control request refused", metadata: ["refusal.reason": "\(error.code)", "error": "\(error.message)"])
            }
            reply = ControlRequest.failure(error)
        }
        do {
            try connection.write(Array((JSONValue.object(reply).serialized + "\n").utf8))
        } catch {
            logger.notice("control reply not delivered", metadata: ["error": "\(error.message)"])
        }
    }

    private func respond(to request: ControlRequest, origin: String) throws(DaemonError) -> JSONObject {
        switch request {
        case .present(let reader, let presentation):
            switch controller.present(reader: reader, presentation) {
            case .success(let outcome): return ControlRequest.reply(outcome)
            case .failure(let error): throw error
            }
        case .keys(let reader, let keys):
            switch controller.keyed(reader: reader, keys: keys) {
            case .success(.decided(let outcome)): return ControlRequest.reply(outcome)
            case .success(.typing(let digits)):
                return JSONObject([("ok", .bool(true)), ("decision", .string("pin_wanted")), ("reader", .string(reader)), ("digits", .integer(Int64(digits)))])
            case .failure(let error): throw error
            }
        case .mode(let mode):
            return try ControlRequest.reply(controller.request(.mode(mode), origin: origin).get(), mode: controller.status.mode)
        case .muster:
            return try ControlRequest.reply(controller.request(.muster, origin: origin).get(), mode: controller.status.mode)
        case .input(let name, let high):
            guard let simulatedGPIO else {
                throw DaemonError(.request, "inputs can be simulated only with hardware.gpio = \"simulated\"")
            }
            guard let input = controller.configuration.input(name) else {
                let known = controller.configuration.inputs.map(\.id).sorted().joined(separator: ", ")
                throw DaemonError(.request, "no input \"\(name)\" in the configuration; its inputs: \(known.isEmpty ? "none" : known)")
            }
            let changed = simulatedGPIO.setInput(name, high: high)
            return JSONObject([
                ("ok", .bool(true)), ("input", .string(name)), ("role", .string(input.role.rawValue)),
                ("level", .string(high ? "high" : "low")), ("changed", .bool(changed)),
            ])
        case .bundleApply:
            preconditionFailure("a bundle apply is handed off before respond")
        case .reloadPlan:
            guard let configPath else { throw DaemonError(.request, "this daemon was started without a configuration file to reload") }
            let loaded = try ConfigFile.loadForDaemon(configPath)
            let plan = ReloadPlan(running: controller.configuration, loaded: loaded.config)
            return JSONObject([
                ("ok", .bool(true)), ("file", .string(configPath)), ("refused", .bool(plan.isRefused)),
                ("changes", .array(plan.changes.map { change in
                    .object(JSONObject([("key", .string(change.key)), ("verdict", .string(change.verdict.rawValue)), ("reason", .string(change.reason))]))
                })),
            ])
        case .status:
            return panel.reply()
        case .ping:
            return JSONObject([("ok", .bool(true))])
        }
    }
}
