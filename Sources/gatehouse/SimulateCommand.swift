import ArgumentParser
import GatehouseCore
import GatehouseDaemon

/// `gatehouse simulate`: presents a credential at a simulated reader of the running daemon, or
/// sets one of its simulated inputs.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Present a badge UID or a scanned code at a reader of the running daemon, or set a simulated input.",
        discussion: """
            gatehouse simulate --config C --reader R uid HEX
            gatehouse simulate --config C --reader R code TEXT
            gatehouse simulate --config C input NAME high|low

            Exit status: 0 when access is granted (or the input is set), 1 when it is denied, 2 on an error.
            """)

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case uid, code, input
    }

    @OptionGroup var configOption: ConfigOption
    var config: String { configOption.path }
    @Option(help: "The reader's id in the configuration (for uid and code).") var reader: String?
    @Flag(help: "Print one JSON object.") var json = false
    @Argument(help: "uid (a badge UID in hex), code (a scanned QR or barcode payload; a visitor token is recognised) or input.") var kind: Kind
    @Argument(help: "The UID, the code, or the input's name.") var value: String
    @Argument(help: "For input: high or low.") var level: String?

    /// Why the arguments do not fit together, or nil when they do.
    var argumentProblem: String? {
        switch kind {
        case .uid, .code:
            if reader == nil { return "--reader is required to present a \(kind.rawValue)" }
            if let level { return "unexpected argument \"\(level)\" after the \(kind.rawValue)" }
        case .input:
            if let reader { return "--reader \(reader) does not go with input: an input is named by its own id (simulate --config C input NAME high|low)" }
            if level != "high" && level != "low" { return "input \(value) needs a level: high or low" }
        }
        return nil
    }

    func run() async throws {
        if let argumentProblem {
            printError("gatehouse: \(argumentProblem)")
            throw ExitCode(2)
        }
        let reply: JSONObject
        do {
            reply = try ControlReply.request(config: config) { socket throws(DaemonError) in
                kind == .input
                    ? try ControlClient.setInput(value, high: level == "high", socket: socket)
                    : try ControlClient.present(reader: reader ?? "", format: kind.rawValue, value: value, socket: socket)
            }
        } catch let exit as ExitCode where exit == ExitCode(1) {
            // 1 means denied here: every error, a refused request included, is 2.
            throw ExitCode(2)
        }
        let result = JSONObject(reply.members.filter { $0.key != "ok" })
        if kind == .input {
            print(json ? JSONValue.object(result).serialized : "input \(value) \(level ?? "")")
            return
        }
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
