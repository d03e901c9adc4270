import ArgumentParser
import GatehouseCore
import GatehouseDaemon

/// One request to the running daemon's control socket from a CLI command: a bad config, no
/// daemon, a refusal or a failure is printed and exits 2.
enum ControlReply {
    static func request(config: String, _ send: (String) throws(DaemonError) -> JSONObject) throws -> JSONObject {
        let reply: JSONObject
        do throws(any Error) {
            let settings = try ConfigFile.load(config)
            reply = try send(ControlServer.path(forDatabase: settings.database))
        } catch {
            printError("gatehouse: \(error)")
            throw ExitCode(2)
        }
        guard case .bool(true)? = reply["ok"] else {
            printError("gatehouse: \(failure(in: reply))")
            throw ExitCode(2)
        }
        return reply
    }

    /// Why the daemon refused: its error's message.
    static func failure(in reply: JSONObject) -> String {
        if case .object(let failure)? = reply["error"], case .string(let message)? = failure["message"] { return message }
        return "the daemon refused the request"
    }
}
