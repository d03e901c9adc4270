import ArgumentParser
import GatehouseCore
import GatehouseDaemon

/// `gatehouse check-config FILE`: every problem, or `ok`; with `--reload-plan`, what a reload
/// of the running daemon's file would do.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check a configuration file and the trust files it names.",
        discussion: """
            With --reload-plan, also asks the daemon running on FILE's database what a reload \
            (SIGHUP, systemctl reload) of its file would do: each change applies now, needs a \
            restart, or refuses the reload. Exit status 1 when the file has problems or the \
            reload would be refused; 2 when no daemon answers.
            """)

    @OptionGroup var configOption: ConfigOption
    @Argument(help: ArgumentHelp("The configuration file, as --config gives it (either one).", valueName: "file")) var positional: String?
    @Flag(help: "Print what reloading the running daemon's file would change.") var reloadPlan = false

    func validate() throws {
        if let positional, configOption.path != ConfigOption.defaultPath, positional != configOption.path {
            throw ValidationError("two configuration files: \(positional) and --config \(configOption.path); give one")
        }
    }

    var file: String { positional ?? configOption.path }

    func run() throws {
        let problems = ConfigFile.problems(file)
        for problem in problems { print(problem) }
        guard problems.isEmpty else { throw ExitCode(1) }
        guard reloadPlan else {
            print("ok")
            return
        }
        let reply = try ControlReply.request(config: file) { socket throws(DaemonError) in
            try ControlClient.send(JSONObject([("op", .string("reload_plan"))]), to: socket)
        }
        guard case .array(let changes)? = reply["changes"] else {
            printError("gatehouse: the daemon's reply has no plan")
            throw ExitCode(2)
        }
        if changes.isEmpty { print("no change from the running configuration") }
        for case .object(let change) in changes {
            guard case .string(let key)? = change["key"], case .string(let verdict)? = change["verdict"], case .string(let reason)? = change["reason"] else { continue }
            print("\(key): \(verdict) (\(reason))")
        }
        if case .bool(true)? = reply["refused"] {
            print("a reload would be refused: the running configuration would stay")
            throw ExitCode(1)
        }
    }
}
