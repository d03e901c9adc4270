import Foundation
import GatehouseTesting
import Testing

@Suite("The gatehouse command line")
struct CLITests {
    @Test("version names every C library")
    func version() throws {
        let output = try GatehouseBinary.run(["version"])
        #expect(output.status == 0)
        for library in ["libnfc 1.8", "zbar 0.23", "libgpiod 1.6", "libmosquitto 2.0", "sqlite 3.", "libqrencode 4.", "libpng 1.6"] {
            #expect(output.standardOutput.contains(library), "\(library) missing")
        }
    }

    @Test("check-config says ok for init's file, and lists each problem of a broken one with exit 1")
    func checkConfig() throws {
        let site = try CLIFixture()
        let good = try site.run(["check-config", site.config])
        #expect(good.status == 0 && good.standardOutput == "ok\n")

        let text = try String(contentsOfFile: site.config, encoding: .utf8)
            .replacingOccurrences(of: "door = \"gate\"\ndirection = \"in\"", with: "door = \"gatx\"\ndirection = \"up\"")
            .replacingOccurrences(of: "command_keys = \"keys/command.jwks\"", with: "command_keys = \"keys/missing.jwks\"")
        let broken = site.directory.write("site/broken.toml", text)
        let bad = try site.run(["check-config", broken])
        #expect(bad.status == 1)
        #expect(bad.standardOutput.contains("\(broken): readers.gate-in.door: \"gatx\" is not a door under [doors]"))
        #expect(bad.standardOutput.contains("\(broken): readers.gate-in.direction: expected one of \"in\", \"out\", got \"up\""))

        let missingKeys = site.directory.write("site/missing-keys.toml", try String(contentsOfFile: site.config, encoding: .utf8).replacingOccurrences(of: "keys/command.jwks", with: "keys/missing.jwks"))
        let keys = try site.run(["check-config", missingKeys])
        #expect(keys.status == 1 && keys.standardOutput.contains("trust.command_keys:") && keys.standardOutput.contains("missing.jwks: cannot read"))

        let brokerFiles = site.directory.write("site/broker-files.toml", try String(contentsOfFile: site.config, encoding: .utf8) + """

            [mqtt]
            url = "mqtts://broker.acme.example:8883"
            ca_file = "tls/no-ca.pem"
            password_file = "secrets/no-password"
            """)
        let broker = try site.run(["check-config", brokerFiles])
        #expect(broker.status == 1)
        #expect(broker.standardOutput.contains("mqtt.ca_file: \(site.directory.file("site/tls/no-ca.pem")): cannot read the file"))
        #expect(broker.standardOutput.contains("mqtt.password_file:"))

        // One key in two trust sets: whoever can mint visitor codes could open doors.
        let invite = site.directory.file("site/keys/invite.jwks"), command = site.directory.file("site/keys/command.jwks")
        let commandKeys = try String(contentsOfFile: command, encoding: .utf8)
        try FileManager.default.removeItem(atPath: command)
        try FileManager.default.copyItem(atPath: invite, toPath: command)
        let shared = try site.run(["check-config", site.config])
        #expect(shared.status == 1 && shared.standardOutput.contains("trust:") && shared.standardOutput.contains("invite.jwks (invite keys) and "))
        #expect(shared.standardOutput.contains("command.jwks (command keys) both trust key") && shared.standardOutput.contains("a key is trusted for one purpose only"))
        let refusedStart = try site.run(["run", "--config", site.config])
        #expect(refusedStart.status == 1 && refusedStart.standardError.contains("both trust key"), "\(refusedStart.standardError)")
        try commandKeys.write(toFile: command, atomically: true, encoding: .utf8)
        #expect(try site.run(["check-config", site.config]).standardOutput == "ok\n")

        let syntax = site.directory.write("site/syntax.toml", "site = \"acme\"\n[trust\n")
        let syntaxOutput = try site.run(["check-config", syntax])
        #expect(syntaxOutput.status == 1 && syntaxOutput.standardOutput.hasPrefix("\(syntax):2: TOML syntax"))
    }

    @Test("build, inspect, apply, re-apply and status, end to end")
    func bundleLifecycle() throws {
        let site = try CLIFixture()
        #expect(try site.status()["bundle_version"] is NSNull)
        let bundle = try site.build(version: 1, lines: Records.staff(10) + [Records.zone("site")])

        let inspect = try site.run(["bundle", "inspect", bundle, "--keys", site.bundleKeys])
        #expect(inspect.status == 0 && inspect.standardOutput.contains("records   person 10, credential 10, zone 1"))

        let apply = try site.run(["bundle", "apply", bundle, "--config", site.config])
        #expect(apply.status == 0 && apply.standardOutput.contains("applied version 1 (snapshot, 21 records)"))
        let again = try site.run(["bundle", "apply", bundle, "--config", site.config])
        #expect(again.status == 0 && again.standardOutput.contains("no change: version 1 is already applied"))

        let status = try site.status()
        #expect(status["bundle_version"] as? Int == 1 && status["bundle_kind"] as? String == "snapshot")
        // The apply is reported: its event waits in the outbox for the daemon (none runs here).
        #expect((status["counts"] as? [String: Int])?["credential"] == 10 && status["outbox_depth"] as? Int == 1)
        #expect((status["bundle_sha256"] as? String)?.count == 64)
    }

    @Test("a refused bundle prints its reason code, stores it, exits 1 and changes nothing")
    func refusal() throws {
        let site = try CLIFixture()
        try #require(try site.run(["bundle", "apply", try site.build(version: 2, lines: Records.staff(2)), "--config", site.config]).status == 0)
        let old = try site.build(version: 1, lines: Records.staff(5), name: "old.bundle")
        let refused = try site.run(["bundle", "apply", old, "--config", site.config])
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("refused: rollback: version 1 is not newer than the applied version 2; the cache is unchanged"))
        #expect(!refused.standardError.contains("bundle.reason="), "a message, not a log line")
        let rejected = try GatehouseBinary.run(["events", "--config", site.config, "--type", "system.bundle_rejected"])
        #expect(rejected.standardOutput.contains("reason=rollback"), "the refusal is stored with its reason code: \(rejected.standardOutput)")
        let inspect = try site.run(["bundle", "inspect", old, "--keys", site.directory.file("site/keys/invite.jwks")])
        #expect(inspect.status == 1 && inspect.standardError.contains("unknown_key"))
        #expect(try site.status()["bundle_version"] as? Int == 2)
    }

    @Test("bad arguments get a clear error and a non-zero exit")
    func badArguments() throws {
        let site = try CLIFixture()
        let version = try site.run(["bundle", "build", "--out", "x", "--sign", site.bundleKey, "--site", "acme", "--version", "abc", "in.jsonl"])
        #expect(version.status != 0 && version.standardError.contains("--version"))
        let kind = try site.run(["bundle", "build", "--out", "x", "--sign", site.bundleKey, "--site", "acme", "--version", "2", "--kind", "full", "in.jsonl"])
        #expect(kind.status == 1 && kind.standardError.contains("--kind: expected snapshot or delta, got \"full\""))
        let missing = try site.run(["bundle", "apply", site.directory.file("nope.bundle"), "--config", site.config])
        #expect(missing.status == 2 && missing.standardError.contains("nope.bundle"))
        let key = try site.run(["token", "mint", "--sign", site.config, "--site", "acme", "--invite", "i-1"])
        #expect(key.status == 1 && key.standardError.contains("not an Ed25519 private JWK"))
    }

    @Test("token and command minting, and the token's QR code as a PNG")
    func minting() throws {
        let site = try CLIFixture()
        let png = site.directory.file("token.png")
        let token = try site.run(["token", "mint", "--sign", site.directory.file("site/keys/private/invite.jwk"), "--site", "acme", "--invite", "i-1", "--valid-for", "2h", "--png", png])
        #expect(token.status == 0 && token.standardOutput.split(separator: ".").count == 3)
        #expect(FileManager.default.fileExists(atPath: png))
        let command = try site.run(["command", "mint", "--sign", site.directory.file("site/keys/private/command.jwk"), "--site", "acme", "--device", "gate-01", "--cmd", "open", "--arg", "door=gate", "--valid-for", "60s"])
        #expect(command.status == 0 && command.standardOutput.split(separator: ".").count == 3)
        let mint = ["command", "mint", "--sign", site.directory.file("site/keys/private/command.jwk"), "--site", "acme"]
        let tooLong = try site.run(mint + ["--cmd", "ping", "--valid-for", "15m"])
        #expect(tooLong.status == 1 && tooLong.standardError.contains("at most 300s"))
        let misspelt = try site.run(mint + ["--cmd", "mode", "--arg", "mode=lockdwn"])
        #expect(misspelt.status == 1 && misspelt.standardError.contains("bad_args: mode needs mode: normal, lockdown or evacuation"), "\(misspelt.standardError)")
        #expect(misspelt.standardOutput.isEmpty, "nothing signed")
        let unknown = try site.run(mint + ["--cmd", "reboot"])
        #expect(unknown.status == 1 && unknown.standardError.contains("unknown_command"))
        let stray = try site.run(mint + ["--cmd", "open", "--arg", "door=gate", "--arg", "speed=9"])
        #expect(stray.status == 1 && stray.standardError.contains("open takes no argument \"speed\""))
    }

    @Test("every duration is written with its unit: a bare number is refused with an example, on every option that takes one")
    func durations() throws {
        let site = try CLIFixture()
        let bare = try site.run(["token", "mint", "--sign", site.directory.file("site/keys/private/invite.jwk"), "--site", "acme", "--invite", "i-1", "--valid-for", "8"])
        #expect(bare.status == 1 && bare.standardError.contains("a bare number is refused: write 8s, 8m, 8h or 8d"), "\(bare.standardError)")
        let command = try site.run(["command", "mint", "--sign", site.directory.file("site/keys/private/command.jwk"), "--site", "acme", "--cmd", "ping", "--valid-for", "60"])
        #expect(command.status == 1 && command.standardError.contains("a bare number is refused"))
        let expires = try site.run(["bundle", "build", "--out", site.directory.file("x.bundle"), "--sign", site.bundleKey, "--site", "acme", "--version", "1", "--expires", "30", site.directory.write("in.jsonl", Records.zone("site") + "\n")])
        #expect(expires.status == 1 && expires.standardError.contains("a bare number is refused"))
        let events = try site.run(["events", "--config", site.config, "--since", "6"])
        #expect(events.status == 1 && events.standardError.contains("--after 6"), "\(events.standardError)")
    }

    @Test("an expired --expires is refused unless allowed; apply and status say plainly that the policy is stale and since when; inspect without --device names the devices a bundle is for")
    func staleAndInspect() throws {
        let site = try CLIFixture()
        let input = site.directory.write("in.jsonl", Records.zone("site") + "\n")
        let build = ["bundle", "build", "--out", site.directory.file("old.bundle"), "--sign", site.bundleKey, "--site", "acme", "--version", "1", "--expires", "2026-01-01T00:00:00Z"]
        let refused = try site.run(build + [input])
        #expect(refused.status == 1 && refused.standardError.contains("has already passed") && refused.standardError.contains("--allow-expired"))
        #expect(!FileManager.default.fileExists(atPath: site.directory.file("old.bundle")))
        #expect(try site.run(build + ["--allow-expired", input]).status == 0)
        let applied = try site.run(["bundle", "apply", site.directory.file("old.bundle"), "--config", site.config])
        #expect(applied.status == 0 && applied.standardOutput.contains("STALE: this policy expired at 2026-01-01T00:00:00.000Z"), "\(applied.standardOutput)")
        #expect(!applied.standardError.contains("info") && !applied.standardError.contains("gatehouse.bundle:"), "messages, not log lines")
        let status = try site.run(["status", "--config", site.config])
        #expect(status.standardOutput.contains("expires  2026-01-01T00:00:00.000Z  STALE since then"), "\(status.standardOutput)")

        let limited = site.directory.file("limited.bundle")
        #expect(try site.run(["bundle", "build", "--out", limited, "--sign", site.bundleKey, "--site", "acme", "--version", "2", "--device", "gate-07", "--device", "gate-08", input]).status == 0)
        let inspected = try site.run(["bundle", "inspect", limited, "--keys", site.bundleKeys])
        #expect(inspected.status == 0 && inspected.standardOutput.contains("devices   only gate-07, gate-08"), "\(inspected.standardOutput)\(inspected.standardError)")
        let other = try site.run(["bundle", "inspect", limited, "--keys", site.bundleKeys, "--device", "gate-01"])
        #expect(other.status == 1 && other.standardError.contains("wrong_site: the bundle is for devices gate-07, gate-08, not \"gate-01\""), "\(other.standardError)")
    }

    @Test("--config defaults to $GATEHOUSE_CONFIG on every command, check-config takes it too, and a bare gatehouse prints its help")
    func configDefault() throws {
        let site = try CLIFixture()
        let environment = ["GATEHOUSE_CONFIG": site.config]
        let status = try Subprocess.run(GatehouseBinary.path, ["status"], environment: environment)
        #expect(status.status == 0 && status.standardOutput.contains("device   acme/gate-01"), "\(status.standardError)")
        #expect(status.standardOutput.contains("daemon   NOT RUNNING: below is what the database holds"), "status says when no daemon runs")
        #expect(try Subprocess.run(GatehouseBinary.path, ["check-config"], environment: environment).standardOutput == "ok\n")
        #expect(try site.run(["check-config", "--config", site.config]).standardOutput == "ok\n")
        let missing = try site.run(["status", "--config", site.directory.file("nowhere.toml")])
        #expect(missing.status == 1 && missing.standardError.contains("nowhere.toml"))
        let bare = try site.run([])
        #expect(bare.status == 0 && bare.standardOutput.contains("SUBCOMMANDS") && bare.standardOutput.contains("64 a usage error"))
        #expect(try site.run(["status", "--bogus"]).status == 64)
    }
}
