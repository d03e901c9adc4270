import ArgumentParser
import GatehouseDaemon

/// `gatehouse check-config FILE`: every problem, or `ok`.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check a configuration file and the trust files it names.")

    @Argument(help: "The configuration file.") var file: String

    func run() throws {
        let problems = ConfigFile.problems(file)
        guard !problems.isEmpty else {
            print("ok")
            return
        }
        for problem in problems { print(problem) }
        throw ExitCode(1)
    }
}
