import ArgumentParser
import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseDaemon
import GatehouseStore
import Logging

/// `gatehouse bundle`: build, inspect and apply whitelist bundles.
struct BundleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle", abstract: "Build, inspect and apply signed whitelist bundles.",
        subcommands: [Build.self, Inspect.self, Apply.self])

    /// `gatehouse bundle build`.
    struct Build: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "build",
            abstract: "Build and sign a bundle from JSON Lines records or staff-directory CSV files.",
            discussion: "A .csv input holds people (an `id` column) or badges (`uid` or `code`, and `person`); see docs/bundles.md. Every other input is read as JSON Lines records.")

        @Option(help: "The bundle file to write.") var out: String
        @Option(help: "The private bundle key (a JWK file).") var sign: String
        @Option(help: "The site id.") var site: String
        @Option(help: "The bundle version, greater than the last one.") var version: Int64
        @Option(help: "snapshot or delta.") var kind: String = "snapshot"
        @Option(help: "For a delta: the version it applies on.") var base: Int64?
        @Flag(help: "Compress the body (ndjson+gzip).") var gzip = false
        @Option(help: "When the policy goes stale: an RFC 3339 time, or a duration such as 30d.") var expires: String?
        @Option(help: "A device the bundle is for (repeatable); absent means every device of the site.") var device: [String] = []
        @Flag(help: "Allow a snapshot without records (it empties the cache).") var allowEmpty = false
        @Option(help: "The issuer (iss).") var issuer: String?
        @Flag(help: "Keep record fields and CSV columns the contract does not define (devices ignore them) instead of refusing them.") var allowUnknownFields = false
        @Flag(help: "Sign even though --expires has already passed (a device applies it and flags the policy stale at once).") var allowExpired = false
        @Option(help: "The device secrets file holding the site's PIN key, for a people CSV's pin and duress_pin columns (written only as keyed hashes).") var pinKey: String?
        @Argument(help: "Input files.") var inputs: [String]

        func run() async throws {
            try await failing {
                guard let kind = BundleManifest.Kind(rawValue: kind) else { throw CLIFailure.refused("--kind: expected snapshot or delta, got \"\(kind)\"") }
                let now = WallClock.now()
                var expiry: Timestamp?
                if let expires {
                    guard let time = Timestamp(rfc3339: expires) ?? DurationText.seconds(expires).map({ now.adding(seconds: $0) }) else {
                        throw CLIFailure.refused(DurationText.problem("--expires", expires).replacingOccurrences(of: "expected a duration", with: "expected an RFC 3339 time or a duration"))
                    }
                    guard time > now || allowExpired else {
                        throw CLIFailure.refused("--expires: \(time.rfc3339) has already passed: every device would flag the policy stale at once; give a later time, or --allow-expired")
                    }
                    expiry = time
                }
                var request = BundleBuildRequest(
                    site: site, version: version, kind: kind, base: base, gzip: gzip, expires: expiry,
                    devices: device.isEmpty ? nil : device, allowEmpty: allowEmpty, issuer: issuer, allowUnknownFields: allowUnknownFields, inputs: inputs)
                if let pinKey {
                    do {
                        guard let key = try ConfigFile.secrets(at: pinKey, configPath: "gatehouse bundle build", key: "--pin-key").pinKey else {
                            throw CLIFailure.refused("--pin-key: \(pinKey) holds no pin_key; make one with `gatehouse keys generate-pin-key --out \(pinKey)`")
                        }
                        request.pinKey = key
                    } catch let error as ConfigError {
                        throw CLIFailure.refused(error.problems.map(\.description).joined(separator: "\n"))
                    }
                }
                do {
                    let key = try SigningKey(contentsOf: sign)
                    let result = try await BundleBuilder(request: request, key: key).build(to: out, issuedAt: now)
                    print("wrote \(out): version \(version) \(kind.rawValue), \(result.records) records, \(result.bodyBytes) body bytes, sha256 \(result.sha256), key \(key.kid)")
                } catch {
                    throw CLIFailure.refused("\(error)")
                }
            }
        }
    }

    /// `gatehouse bundle inspect`.
    struct Inspect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "inspect",
            abstract: "Verify a bundle and summarise it; exit 1 with the reason code if a device would refuse it.")

        @Argument(help: "The bundle file.") var file: String
        @Option(help: "The bundle keys (a JWKS file).") var keys: String
        @Option(help: "The site the device is in; default: the bundle's own.") var site: String?
        @Option(help: "A device id, to check that the bundle is for it; default: any device the bundle names.") var device: String?

        func run() async throws {
            try await failing {
                guard let data = FileManager.default.contents(atPath: keys) else { throw CLIFailure.environment("\(keys): cannot read the JWKS file") }
                let trust: TrustSet
                do { trust = try TrustSet(jwks: data, purpose: .bundle) } catch { throw CLIFailure.refused("\(keys): \(error)") }
                let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-inspect-\(UUID().uuidString)").path
                defer { try? FileManager.default.removeItem(atPath: scratch) }
                do {
                    let database = try GatehouseDatabase(path: scratch + "/inspect.sqlite")
                    let claimed = Self.claimed(file, trust: trust)
                    let siteID = site ?? claimed?.site ?? ""
                    // Without --device, the check of the device list passes for a device it names.
                    let deviceID = device ?? claimed?.devices?.first ?? "any-device"
                    let applier = BundleApplier(database: database, trust: trust, site: siteID, device: deviceID, now: WallClock.now)
                    let reporter = ProgressReporter(label: "verifying")
                    let (outcome, counts) = try applier.verify(.file(file), progress: reporter.update)
                    guard case .applied(let manifest) = outcome else { return }
                    print(Self.summary(manifest, counts: counts, now: WallClock.now(), device: device))
                } catch let failure as BundleApplyFailure {
                    switch failure {
                    case .refused(let refusal):
                        throw CLIFailure.refused("refused: \(refusal.reason.rawValue): \(refusal.detail)")
                    case .store(let error): throw CLIFailure.environment("\(error)")
                    }
                } catch let error as StoreError {
                    throw CLIFailure.environment("\(error)")
                }
            }
        }

        /// The site and devices a verified manifest names, to check a bundle against its own by
        /// default; nil when it does not verify (the check then says why).
        static func claimed(_ file: String, trust: TrustSet) -> (site: String?, devices: [String]?)? {
            guard let handle = FileHandle(forReadingAtPath: file), let head = try? handle.read(upToCount: BundleApplier.maximumManifestLength + 1) else { return nil }
            let line = String(decoding: head.prefix { $0 != 0x0A }, as: UTF8.self)
            guard case .success(let verified) = trust.verify(line, as: BundleManifestClaims.self) else { return nil }
            return (verified.claims.aud.values.first, verified.claims.bundle.devices)
        }

        static func summary(_ manifest: BundleManifest, counts: [RecordType: Int], now: Timestamp, device: String?) -> String {
            let whom = device.map { "device \($0) of site \(manifest.site)" } ?? "device of site \(manifest.site)\(manifest.devices == nil ? "" : " it names")"
            var lines = [
                "ok: a \(whom) with no newer policy would apply this bundle",
                "version   \(manifest.version) (\(manifest.kind.rawValue)\(manifest.base.map { " on \($0)" } ?? ""))",
                "site      \(manifest.site)",
                "devices   \(manifest.devices.map { "only \($0.joined(separator: ", "))" } ?? "every device of the site")",
                "signed    key \(manifest.keyID), issued \(manifest.issuedAt.rfc3339)\(manifest.issuer.map { " by \($0)" } ?? "")",
                "body      \(manifest.records) records, \(manifest.bytes) bytes \(manifest.encoding.rawValue), sha256 \(manifest.sha256)",
            ]
            if let expires = manifest.expires {
                lines.append("expires   \(expires.rfc3339)\(expires < now ? "  (STALE: already passed; a device would apply it and flag the policy stale)" : "")")
            }
            let present = RecordType.allCases.filter { (counts[$0] ?? 0) > 0 }
            lines.append("records   " + (present.isEmpty ? "none" : present.map { "\($0.rawValue) \(counts[$0] ?? 0)" }.joined(separator: ", ")))
            return lines.joined(separator: "\n")
        }
    }

    /// `gatehouse bundle apply`.
    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "apply", abstract: "Apply a bundle file to a device's cache (offline provisioning).",
            discussion: """
                With the daemon running, the bundle goes through it: its bundle thread applies it while the gate \
                keeps deciding on the version in force, and stores system.bundle_applied or system.bundle_rejected \
                with "origin":"local". With no daemon running, it is applied here, and the event waits in the \
                outbox for the daemon's next start. Exit status: 0 applied or already applied, 1 refused, 2 the \
                device could not apply it.
                """)

        @Argument(help: "The bundle file.") var file: String
        @OptionGroup var configOption: ConfigOption
        var config: String { configOption.path }

        func run() async throws {
            try await failing {
                let settings: GatehouseConfig
                let trust: TrustSet
                do {
                    settings = try ConfigFile.load(config)
                    trust = try ConfigFile.trust(settings, .bundle, configPath: config)
                } catch {
                    throw CLIFailure.refused("\(error)")
                }
                let path = URL(fileURLWithPath: file).standardizedFileURL.path
                guard FileManager.default.isReadableFile(atPath: path) else {
                    throw CLIFailure.environment("cannot read \(file): no such file, or not readable")
                }
                let lock: StateLock?
                do {
                    lock = try StateLock.take(forDatabase: settings.database)
                } catch {
                    throw CLIFailure.environment("\(error)")
                }
                if let lock {
                    try withExtendedLifetime(lock) { try applyHere(path, settings: settings, trust: trust) }
                } else {
                    try applyThroughDaemon(path, settings: settings)
                }
            }
        }

        /// No daemon holds the cache: apply in this process, which stores the event.
        private func applyHere(_ path: String, settings: GatehouseConfig, trust: TrustSet) throws {
            do {
                let database = try GatehouseDatabase(path: settings.database)
                // Dated no earlier than the clock floor (contract 7.4), as the daemon dates.
                let floor = try database.clockFloor()
                let now: @Sendable () -> Timestamp = { floor.map { max($0, WallClock.now()) } ?? WallClock.now() }
                let applier = BundleApplier(database: database, trust: trust, site: settings.site, device: settings.device, now: now)
                let reporter = ProgressReporter(label: "applying")
                switch try applier.apply(.file(path), origin: .local, progress: reporter.update) {
                case .applied(let manifest):
                    print("applied version \(manifest.version) (\(manifest.kind.rawValue), \(manifest.records) records); no daemon is running, so its event waits for the daemon's next start")
                    if let stale = Self.staleNote(manifest.expires) { print(stale) }
                case .noop(let manifest):
                    print("no change: version \(manifest.version) is already applied")
                    if let stale = Self.staleNote(manifest.expires) { print(stale) }
                }
            } catch let failure as BundleApplyFailure {
                switch failure {
                case .refused(let refusal):
                    throw CLIFailure.refused("refused: \(refusal.reason.rawValue): \(refusal.detail); the cache is unchanged")
                case .store(let error): throw CLIFailure.environment("\(error)")
                }
            } catch let error as StoreError {
                throw CLIFailure.environment("\(error)")
            }
        }

        /// A plain sentence when the policy in force is stale: its `expires` has passed.
        static func staleNote(_ expires: Timestamp?) -> String? {
            guard let expires, expires <= WallClock.now() else { return nil }
            return "STALE: this policy expired at \(expires.rfc3339); each door decides as its stale_policy says (deny, or use the cache and flag it), and the device raises alarm.policy_stale. Build and apply a newer bundle."
        }

        /// The daemon holds the cache: hand it the file and follow its progress.
        private func applyThroughDaemon(_ path: String, settings: GatehouseConfig) throws {
            let socket = ControlServer.path(forDatabase: settings.database)
            let reporter = ProgressReporter(label: "applying (daemon)")
            let reply: JSONObject
            do {
                reply = try ControlClient.applyBundle(path, socket: socket) { read, total, records in
                    reporter.update(BundleProgress(bytesRead: read, totalBytes: total, records: records))
                }
            } catch {
                throw CLIFailure.environment("a daemon holds \(settings.database) but its control socket \(socket) did not take the bundle: \(error)")
            }
            if case .bool(true)? = reply["ok"] {
                let version = if case .integer(let version)? = reply["version"] { version } else { Int64(0) }
                if case .string("noop")? = reply["result"] {
                    print("no change: version \(version) is already applied")
                } else {
                    let kind = if case .string(let kind)? = reply["kind"] { kind } else { "bundle" }
                    let records = if case .integer(let records)? = reply["records"] { records } else { Int64(0) }
                    print("applied version \(version) (\(kind), \(records) records) through the running daemon")
                }
                if let stale = (try? GatehouseDatabase(path: settings.database).status().applied?.expires).flatMap(Self.staleNote) { print(stale) }
                return
            }
            if case .object(let refusal)? = reply["refusal"], case .string(let reason)? = refusal["reason"], case .string(let detail)? = refusal["detail"] {
                throw CLIFailure.refused("refused: \(reason): \(detail); the cache is unchanged")
            }
            throw CLIFailure.environment("the daemon could not apply it: \(ControlReply.failure(in: reply))")
        }
    }
}
