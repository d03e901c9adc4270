import ArgumentParser
import GatehouseCore
import GatehouseDaemon

/// One request to the running daemon's control socket from a CLI command. A configuration with
/// problems, or a request the daemon refuses as bad input (an unknown zone), is printed and
/// exits 1; no daemon, a socket or a request the user may not use, or a failure, exits 2
/// (README, "Exit status").
enum ControlReply {
    static func request(config: String, _ send: (String) throws(DaemonError) -> JSONObject) throws -> JSONObject {
        try request(settings: loadConfig(config), send)
    }

    /// The configuration at `path`; its problems printed, exit 1.
    static func loadConfig(_ path: String) throws -> GatehouseConfig {
        do {
            return try ConfigFile.load(path)
        } catch {
            printError("gatehouse: \(error)")
            throw ExitCode(1)
        }
    }

    /// The request to the daemon of a configuration already read.
    static func request(settings: GatehouseConfig, _ send: (String) throws(DaemonError) -> JSONObject) throws -> JSONObject {
        let reply: JSONObject
        do {
            reply = try send(ControlServer.path(forDatabase: settings.database))
        } catch {
            printError("gatehouse: \(error.message)")
            throw ExitCode(2)
        }
        guard case .bool(true)? = reply["ok"] else {
            printError("gatehouse: \(failure(in: reply))")
            throw ExitCode(refusedByDaemon(reply) ? 1 : 2)
        }
        return reply
    }

    /// Whether the daemon refused the request itself as bad input (`daemon.request`), rather
    /// than failing to carry it out or refusing the user (`daemon.permission`: the environment's,
    /// like a socket the user may not open).
    static func refusedByDaemon(_ reply: JSONObject) -> Bool {
        guard case .object(let failure)? = reply["error"], case .string(let code)? = failure["code"] else { return false }
        return code == ErrorCode<DaemonErrors>.request.description
    }

    /// Why the daemon refused: its error's message.
    static func failure(in reply: JSONObject) -> String {
        if case .object(let failure)? = reply["error"], case .string(let message)? = failure["message"] { return message }
        return "the daemon refused the request"
    }
}
