import ArgumentParser
import GatehouseCore
import GatehouseDaemon

/// `gatehouse simulate`: presents a credential at a simulated reader of the running daemon.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate", abstract: "Present a badge UID or a scanned code at a reader of the running daemon.",
        discussion: "Exit status: 0 when access is granted, 1 when it is denied, 2 on an error.")

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case uid, code
    }

    @Option(help: "The configuration file.") var config: String
    @Option(help: "The reader's id in the configuration.") var reader: String
    @Flag(help: "Print one JSON object.") var json = false
    @Argument(help: "uid (a badge UID in hex) or code (a scanned QR or barcode payload; a visitor token is recognised).") var kind: Kind
    @Argument(help: "The UID or the code.") var value: String

    func run() async throws {
        let reply: JSONObject
        do {
            let settings = try ConfigFile.load(config)
            reply = try ControlClient.present(reader: reader, format: kind.rawValue, value: value, socket: ControlServer.path(forDatabase: settings.database))
        } catch {
            // A bad config, no daemon, or a socket error: exit 2, as for every error here.
            printError("gatehouse: \(error)")
            throw ExitCode(2)
        }
        guard case .bool(true)? = reply["ok"] else {
            if case .object(let failure)? = reply["error"], case .string(let message)? = failure["message"] {
                printError("gatehouse: \(message)")
            } else {
                printError("gatehouse: the daemon refused the request")
            }
            throw ExitCode(2)
        }
        let result = JSONObject(reply.members.filter { $0.key != "ok" })
        print(json ? JSONValue.object(result).serialized : Self.line(result))
        guard case .string("granted")? = reply["decision"] else { throw ExitCode(1) }
    }

    static func line(_ reply: JSONObject) -> String {
        func text(_ key: String) -> String {
            if case .string(let value)? = reply[key] { return value }
            if case .integer(let value)? = reply[key] { return String(value) }
            return "-"
        }
        return "\(text("decision").uppercased()) \(text("reason"))  door \(text("door")) (\(text("zone")), \(text("direction")))  person \(text("person"))  invite \(text("invite"))  event \(text("seq")) \(text("event_id"))"
    }
}
