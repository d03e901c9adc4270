import ArgumentParser
import Foundation
import GatehouseAdmin
import GatehouseCore

/// `gatehouse keys`: key management.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "keys", abstract: "Manage signing keys.", discussion: "Rotating a key: generate the new one, merge its .jwks into the devices' trust file, sign with the new key, then remove the old kid.",
        subcommands: [Generate.self, GeneratePINKey.self, GenerateCardKey.self, Merge.self, Remove.self])

    /// `gatehouse keys generate-pin-key --out SECRETS`.
    struct GeneratePINKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate-pin-key",
            abstract: "Make the site's PIN key (32 random bytes) in a device secrets file (mode 0600).",
            discussion: """
                Makes the file, or adds the key to a secrets file that has none; a file with a PIN key already is
                refused. The key is never printed. Every device of the site needs the same key, and bundle build needs
                it to hash the people CSV's pin and duress_pin columns.
                """)

        @Option(help: "The secrets file to make or add to.") var out: String
        @Option(help: "The site, for the instructions printed.") var site: String?

        func run() async throws {
            try await failing {
                do {
                    let made = try PINKeyFile.generate(at: out)
                    print("\(made ? "wrote" : "added a PIN key to") \(out) (mode 0600; the key is not shown)")
                    print("next:")
                    print("  1. copy it to every device\(site.map { " of site \($0)" } ?? ""): install -m 0600 -o gatehouse -g gatehouse \(out) /etc/gatehouse/secrets.toml")
                    print("  2. in each device's gatehouse.toml: secrets = \"secrets.toml\"; then gatehouse check-config and systemctl reload gatehouse")
                    print("  3. build bundles with PINs: gatehouse bundle build --pin-key \(out) ... people.csv (columns pin, duress_pin)")
                    print("  keep one copy offline: without this key no PIN can be set or checked")
                } catch {
                    throw CLIFailure.refused("\(error)")
                }
            }
        }
    }

    /// `gatehouse keys generate-card-key --out SECRETS`.
    struct GenerateCardKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate-card-key",
            abstract: "Make a site card master key (16 random bytes) in a device secrets file (mode 0600), with the next key version.",
            discussion: """
                The first key is version 1. Running it again adds the next version: a rotation. Cards issued from then on
                get the new version; cards issued before keep working while their version stays in the file. Every
                device of the site, and every machine that issues cards, needs the same file. The key is never printed.
                """)

        @Option(help: "The secrets file to make or add to.") var out: String

        func run() async throws {
            try await failing {
                do {
                    let version = try CardKeyFile.generate(at: out)
                    print("wrote card master key version \(version) to \(out) (mode 0600; the key is not shown)")
                    print("next:")
                    print("  1. copy it to every device of the site: install -m 0600 -o gatehouse -g gatehouse \(out) /etc/gatehouse/secrets.toml")
                    print("  2. readers that check cards: card_security = \"desfire\" or \"ntag424\"; then gatehouse check-config")
                    print("  3. issue cards: gatehouse card issue --device pn532_uart:/dev/ttyUSB0 --type desfire")
                    print("  keep one copy offline: without it no card can be issued or checked")
                } catch {
                    throw CLIFailure.refused("\(error)")
                }
            }
        }
    }

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

    /// `gatehouse keys merge --out OUT A.jwks B.jwks …`.
    struct Merge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "merge", abstract: "Write the union of trust files (JWKS) to OUT: how a new key joins a trust set.",
            discussion: "A kid found in two files must be the same key. Exit status: 0 written; 1 a file is invalid, two keys share a kid, or OUT exists.")

        @Option(help: "The trust file to write (it must not exist).") var out: String
        @Argument(help: "The trust files to merge.") var files: [String]

        func validate() throws {
            if files.count < 2 { throw ValidationError("give at least two trust files to merge") }
        }

        func run() async throws {
            try await failing {
                do {
                    var read: [JWKSEditor.File] = []
                    for file in files { read.append(try JWKSEditor.read(file)) }
                    let keys = try JWKSEditor.merge(read)
                    try SecretFile.write(JWKSEditor.text(keys), to: out, mode: 0o644)
                    print("wrote \(out): \(keys.compactMap { $0.string("kid") }.joined(separator: ", "))")
                } catch {
                    throw CLIFailure.refused("\(error)")
                }
            }
        }
    }

    /// `gatehouse keys remove FILE KID (--out OUT | --in-place)`.
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove", abstract: "Remove a key from a trust file (JWKS): how a retired key leaves a trust set.",
            discussion: "The last key is never removed. Exit status: 0 written; 1 no such kid, the last key, an invalid file, or OUT exists.")

        @Argument(help: "The trust file.") var file: String
        @Argument(help: "The kid to remove.") var kid: String
        @Option(help: "Write the result here (it must not exist).") var out: String?
        @Flag(help: "Replace FILE itself, keeping its owner and mode.") var inPlace = false

        func validate() throws {
            if (out == nil) == !inPlace { throw ValidationError("give --out OUT or --in-place") }
        }

        func run() async throws {
            try await failing {
                do throws(AdminError) {
                    let read = try JWKSEditor.read(file)
                    let keys = try JWKSEditor.remove(kid, from: read)
                    if let out {
                        try SecretFile.write(JWKSEditor.text(keys), to: out, mode: 0o644)
                    } else {
                        try Self.replace(file, with: JWKSEditor.text(keys))
                    }
                    print("removed \(kid) from \(out ?? file); its keys: \(keys.compactMap { $0.string("kid") }.joined(separator: ", "))")
                } catch {
                    throw error.code == .io ? CLIFailure.environment("\(error)") : CLIFailure.refused("\(error)")
                }
            }
        }

        /// Replaces a file atomically, its owner and mode kept: a new file of its own beside it
        /// (never one that exists), on the disk before the rename.
        static func replace(_ path: String, with text: String) throws(AdminError) {
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            var template = Array((path + ".XXXXXX").utf8CString)
            let descriptor = mkstemp(&template)
            guard descriptor >= 0 else { throw AdminError(.io, "cannot replace \(path): \(String(cString: strerror(errno)))") }
            let temporary = String(cString: template)
            let bytes = Array(text.utf8)
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if let mode = attributes?[.posixPermissions] as? NSNumber { fchmod(descriptor, mode_t(mode.uint16Value)) }
            if let uid = attributes?[.ownerAccountID] as? NSNumber, let gid = attributes?[.groupOwnerAccountID] as? NSNumber {
                fchown(descriptor, uid.uint32Value, gid.uint32Value)
            }
            let synced = fsync(descriptor) == 0
            close(descriptor)
            guard written == bytes.count, synced, rename(temporary, path) == 0 else {
                let reason = String(cString: strerror(errno))
                unlink(temporary)
                throw AdminError(.io, "cannot replace \(path): \(reason)")
            }
        }
    }
}
