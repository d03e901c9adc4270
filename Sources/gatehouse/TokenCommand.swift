import ArgumentParser
import GatehouseAdmin
import GatehouseCore
import GatehouseDaemon
import GatehouseQR

/// `gatehouse token`: visitor QR tokens.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "Mint visitor QR tokens.", subcommands: [Mint.self])

    /// `gatehouse token mint`.
    struct Mint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "mint", abstract: "Mint a visitor token for an invite; print it, and with --png write its QR code.")

        @Option(help: "The private invite key (a JWK file).") var sign: String
        @Option(help: "The site id.") var site: String
        @Option(help: "The invite id.") var invite: String
        @Option(help: "How long it is valid: 90s, 15m, 8h, 7d.") var validFor: String = "8h"
        @Option(help: "When it starts, RFC 3339; default now.") var notBefore: String?
        @Option(help: "visitor, contractor or delivery.") var kind: String?
        @Option(help: "Zones, comma-separated (used only for uncached invites).") var zones: String?
        @Option(help: "Write the QR code to this PNG file.") var png: String?

        func run() async throws {
            try await failing {
                guard let lifetime = DurationText.seconds(validFor) else { throw CLIFailure.refused(DurationText.problem("--valid-for", validFor)) }
                var start = WallClock.now()
                if let notBefore {
                    guard let time = Timestamp(rfc3339: notBefore) else { throw CLIFailure.refused("--not-before: expected an RFC 3339 time, got \"\(notBefore)\"") }
                    start = time
                }
                do {
                    let key = try SigningKey(contentsOf: sign)
                    let token = try await TokenMinter.visitorToken(
                        key: key, site: site, invite: invite, notBefore: start, lifetimeSeconds: lifetime, kind: kind,
                        zones: zones?.split(separator: ",").map(String.init))
                    print(token)
                    if let png {
                        do {
                            try PNGFile.write(try QRCodeRenderer.render(token), to: png)
                        } catch {
                            throw CLIFailure.environment("\(error)")
                        }
                        printError("wrote \(png)")
                    }
                } catch let error as AdminError {
                    throw CLIFailure.refused("\(error)")
                }
            }
        }
    }
}
