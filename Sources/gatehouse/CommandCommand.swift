import ArgumentParser
import GatehouseAdmin
import GatehouseCore
import GatehouseDaemon

/// `gatehouse command`: signed remote commands.
struct CommandCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "command", abstract: "Mint signed remote commands.", subcommands: [Mint.self])

    /// `gatehouse command mint`.
    struct Mint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "mint", abstract: "Mint a command (open, mode, muster, resync, ping) and print it.")

        @Option(help: "The private command key (a JWK file).") var sign: String
        @Option(help: "The site id.") var site: String
        @Option(help: "One device; absent: every device of the site.") var device: String?
        @Option(help: "open, mode, muster, resync or ping.") var cmd: String
        @Option(help: "An argument as KEY=VALUE (repeatable), e.g. door=gate, mode=lockdown.") var arg: [String] = []
        @Option(help: "How long it stays valid, at most 300s (5m): 60s, 2m.") var validFor: String = "60s"
        @Option(help: "Who ordered it (sub).") var sub: String = "gatehouse-cli"

        func run() async throws {
            try await failing {
                var arguments: [String: JSONArgument] = [:]
                for pair in arg {
                    guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                        throw CLIFailure.refused("--arg: expected KEY=VALUE, got \"\(pair)\"")
                    }
                    arguments[String(pair[..<equals])] = JSONArgument(parsing: String(pair[pair.index(after: equals)...]))
                }
                guard let lifetime = DurationText.seconds(validFor) else { throw CLIFailure.refused(DurationText.problem("--valid-for", validFor)) }
                guard lifetime <= 300 else { throw CLIFailure.refused("--valid-for: at most 300s (the contract's limit for a command), got \(validFor)") }
                if let problem = CommandCheck.problem(command: cmd, arguments: arguments) {
                    throw CLIFailure.refused("--cmd \(cmd): \(problem.reason.rawValue): \(problem.detail); nothing signed (a device would refuse it)")
                }
                do {
                    let key = try SigningKey(contentsOf: sign)
                    print(try await TokenMinter.command(
                        key: key, site: site, device: device, name: cmd, arguments: arguments, issuedAt: WallClock.now(),
                        lifetimeSeconds: lifetime, orderedBy: sub))
                } catch {
                    throw CLIFailure.refused("\(error)")
                }
            }
        }
    }
}
