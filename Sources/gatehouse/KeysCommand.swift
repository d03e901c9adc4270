import ArgumentParser
import GatehouseAdmin

/// `gatehouse keys`: key management.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "keys", abstract: "Manage signing keys.", subcommands: [Generate.self])

    /// `gatehouse keys generate --kid K --out DIR`.
    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate",
            abstract: "Generate an Ed25519 key: DIR/K.jwk (private, 0600) and DIR/K.jwks (public).")

        @Option(help: "The key id.") var kid: String
        @Option(help: "The directory to write to.") var out: String

        func run() async throws {
            try await failing {
                do {
                    let key = try SigningKey.generate(kid: kid)
                    try SecretFile.write(key.privateJWK, to: "\(out)/\(kid).jwk", mode: 0o600)
                    try SecretFile.write(SigningKey.jwks([key]), to: "\(out)/\(kid).jwks", mode: 0o644)
                    print("wrote \(out)/\(kid).jwk (private, keep it secret)")
                    print("wrote \(out)/\(kid).jwks (public, give it to devices)")
                } catch {
                    throw CLIFailure.refused("\(error)")
                }
            }
        }
    }
}
