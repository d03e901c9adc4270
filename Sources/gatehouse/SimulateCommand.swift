import ArgumentParser
import GatehouseCore
import GatehouseDaemon

/// `gatehouse simulate`: presents a credential at a simulated reader of the running daemon, or
/// sets one of its simulated inputs.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Present a badge UID, a card number or a scanned code at a reader of the running daemon, type keys on its keypad, or set a simulated input.",
        discussion: """
            gatehouse simulate --config C --reader R uid HEX [--pin DIGITS]
            gatehouse simulate --config C --reader R card FACILITY:NUMBER [--pin DIGITS]
            gatehouse simulate --config C --reader R code TEXT
            gatehouse simulate --config C --reader R keys 1234#
            gatehouse simulate --config C input NAME high|low

            At a zone that requires a PIN, --pin types the digits and # after the credential.
            Exit status: 0 when access is granted (at a muster point: mustered; or the input is set), 1 when it is denied, 2 on an error,
            3 when the reader waits for a PIN (type it with `keys`) or, at a two-person door, for a second person.
            """)

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case uid, card, code, keys, input
    }

    @OptionGroup var configOption: ConfigOption
    var config: String { configOption.path }
    @Option(help: "The reader's id in the configuration (for uid and code).") var reader: String?
    @Flag(help: "Print one JSON object.") var json = false
    @Option(help: "The PIN to type after the credential, where the zone requires one.") var pin: String?
    @Argument(help: "uid (a badge UID in hex), code (a scanned QR or barcode payload; a visitor token is recognised) or input.") var kind: Kind
    @Argument(help: "The UID, the code, or the input's name.") var value: String
    @Argument(help: "For input: high or low.") var level: String?

    /// Why the arguments do not fit together, or nil when they do.
    var argumentProblem: String? {
        switch kind {
        case .uid, .card, .code, .keys:
            if reader == nil { return "--reader is required to present a \(kind.rawValue)" }
            if let level { return "unexpected argument \"\(level)\" after the \(kind.rawValue)" }
            if let pin, kind == .keys || kind == .code || !PINSettings.digits.contains(pin.count) || !pin.allSatisfy(\.isNumber) {
                return kind == .keys || kind == .code
                    ? "--pin goes with uid or card" : "--pin: expected \(PINSettings.digits.lowerBound) to \(PINSettings.digits.upperBound) digits, got \(pin.count) characters"
            }
        case .input:
            if pin != nil { return "--pin goes with uid or card" }
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
                switch kind {
                case .input: return try ControlClient.setInput(value, high: level == "high", socket: socket)
                case .keys: return try ControlClient.keys(reader: reader ?? "", keys: value, socket: socket)
                case .uid, .card, .code:
                    let presented = try ControlClient.present(reader: reader ?? "", format: kind.rawValue, value: value, socket: socket)
                    guard let pin, case .string("pin_wanted")? = presented["decision"] else { return presented }
                    return try ControlClient.keys(reader: reader ?? "", keys: pin + "#", socket: socket)
                }
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
        if case .string("pin_wanted")? = reply["decision"] { throw ExitCode(3) }
        if case .string("companion_wanted")? = reply["decision"] { throw ExitCode(3) }
        // A muster point marks a person safe during an evacuation: that is its success.
        guard case .string(let decision)? = reply["decision"], decision == "granted" || decision == "mustered" else { throw ExitCode(1) }
    }

    static func line(_ reply: JSONObject) -> String {
        func text(_ key: String) -> String {
            if case .string(let value)? = reply[key] { return value }
            if case .integer(let value)? = reply[key] { return String(value) }
            return "-"
        }
        if case .string("companion_wanted")? = reply["decision"] {
            return "SECOND PERSON WANTED at reader \(text("reader")): a different person must present at a reader of door \(text("door")) within the zone's within_s"
        }
        if case .string("pin_wanted")? = reply["decision"] {
            return "PIN WANTED at reader \(text("reader"))\(reply["digits"] == nil ? "" : " (\(text("digits")) digits so far)"): type it with `gatehouse simulate --reader \(text("reader")) keys DIGITS#`"
        }
        return "\(text("decision").uppercased()) \(text("reason"))  door \(text("door")) (\(text("zone")), \(text("direction")))  person \(text("person"))  invite \(text("invite"))  event \(text("seq")) \(text("event_id"))"
    }
}
