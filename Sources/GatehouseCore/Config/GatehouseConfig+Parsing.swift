extension GatehouseConfig {
    /// Parses and validates a configuration. `file` names the file in every problem. Throws a
    /// ``ConfigError`` listing every problem found.
    public static func parse(toml text: String, file: String) throws(ConfigError) -> GatehouseConfig {
        let document: [String: ConfigValue]
        do {
            document = try ConfigValue.parseTOML(text)
        } catch {
            throw ConfigError(problems: [ConfigProblem(file: file, key: "", message: "TOML syntax: \(error.message)", line: error.line)])
        }
        let reader = ConfigReader(file: file)
        let config = build(reader.table(document, at: ""))
        guard reader.problems.isEmpty, let config else {
            throw ConfigError(problems: reader.problems)
        }
        return config
    }

    private static func build(_ root: ConfigReader.Table) -> GatehouseConfig? {
        root.rejectUnknownKeys(["site", "device", "database", "trust", "mqtt", "outbox", "policy", "hardware", "control", "patrol", "storage", "log", "metrics", "doors", "readers", "outputs", "inputs", "pin", "secrets", "wiegand_formats", "emergency"])
        let site = root.identifier("site")
        let device = root.identifier("device")
        if device == "all" { root.reader.report("device", "\"all\" is reserved for the whole site") }
        let database = root.string("database")
        if database?.isEmpty == true { root.reader.report("database", "expected a file path, got an empty string") }

        var trust: Trust?
        if let table = root.subtable("trust", required: true) {
            table.rejectUnknownKeys(["bundle_keys", "invite_keys", "command_keys"])
            let files = (table.string("bundle_keys"), table.string("invite_keys"), table.string("command_keys"))
            if let bundle = files.0, let invite = files.1, let command = files.2 {
                trust = Trust(bundleKeys: bundle, inviteKeys: invite, commandKeys: command)
                if Set([bundle, invite, command]).count < 3 {
                    table.reader.report(table.path, "bundle_keys, invite_keys and command_keys must be three different files: a key trusted for one purpose is not trusted for another")
                }
            }
        }
        let mqtt = root.subtable("mqtt").flatMap(parseMQTT)
        let outbox = root.subtable("outbox").map(parseOutbox) ?? Outbox()
        let policy = root.subtable("policy").map(parsePolicy) ?? Policy()
        var hardware = Hardware()
        if let table = root.subtable("hardware") {
            table.rejectUnknownKeys(["gpio"])
            hardware.gpio = table.choice("gpio", default: .simulated) ?? .simulated
        }
        var control = Control()
        if let table = root.subtable("control") {
            table.rejectUnknownKeys(["group"])
            control.group = table.optionalIdentifier("group")
        }
        var patrol = Patrol()
        if let table = root.subtable("patrol") {
            table.rejectUnknownKeys(["history_days"])
            patrol.historyDays = table.integer("history_days", default: 90, in: 1...3650) ?? 90
        }
        var emergency = Emergency()
        if let table = root.subtable("emergency") {
            table.rejectUnknownKeys(["drill_releases_doors"])
            emergency.drillReleasesDoors = table.bool("drill_releases_doors", default: false)
        }
        let outputTables = root.namedTables("outputs")
        var outputs = outputTables.compactMap { parseOutput($0.name, $0.table) }
        let inputs = root.namedTables("inputs").compactMap { parseInput($0.name, $0.table) }
        let doors = root.namedTables("doors").compactMap { parseDoor($0.name, $0.table, outputs: outputs, inputs: inputs) }
        settleRelaySafeStates(&outputs, tables: outputTables, doors: doors, root: root)
        let formats = parseWiegandFormats(root)
        let readers = root.namedTables("readers").compactMap { parseReader($0.name, $0.table, doors: doors, outputs: outputs, inputs: inputs, formats: formats) }
        checkLinesAreDistinct(
            outputs.map { ("outputs.\($0.id)", $0.address) } + inputs.map { ("inputs.\($0.id)", $0.address) } + wiegandLines(readers), root: root)
        checkReaderDevicesAreDistinct(readers, root: root)
        checkOSDPBuses(readers, root: root)

        var storage = Storage()
        if let table = root.subtable("storage") {
            table.rejectUnknownKeys(["low_free_mb"])
            storage.lowFreeBytes = Int64(table.integer("low_free_mb", default: 64, in: 1...1_000_000) ?? 64) * 1_000_000
        }

        var log = Log()
        if let table = root.subtable("log") {
            table.rejectUnknownKeys(["level"])
            log.level = table.choice("level", default: Log.Level.info) ?? .info
        }

        var metrics = Metrics()
        if let table = root.subtable("metrics") {
            table.rejectUnknownKeys(["textfile_dir", "interval_s"])
            metrics.textfileDirectory = table.optionalString("textfile_dir")
            metrics.intervalSeconds = table.integer("interval_s", default: 5, in: 1...300) ?? 5
        }

        guard let site, let device, let database, let trust else { return nil }
        var config = GatehouseConfig(
            site: site, device: device, database: database, trust: trust, mqtt: mqtt, outbox: outbox, policy: policy,
            hardware: hardware, control: control, patrol: patrol, storage: storage, log: log, doors: doors, readers: readers, outputs: outputs, inputs: inputs)
        config.metrics = metrics
        config.pin = root.subtable("pin").map(PINSettings.parse) ?? PINSettings()
        config.emergency = emergency
        config.secrets = root.optionalString("secrets")
        if config.secrets?.isEmpty == true { root.reader.report("secrets", "expected a file path, got an empty string") }
        return config
    }

    /// A door's relay rests where its fail mode says when the daemon is not driving it:
    /// inactive (locked) for fail-secure, active (released) for fail-safe. Without `safe_state`
    /// the relay takes it from the door; a `safe_state` that contradicts the door is refused.
    private static func settleRelaySafeStates(
        _ outputs: inout [OutputLineConfig], tables: [(name: String, table: ConfigReader.Table)], doors: [DoorConfig], root: ConfigReader.Table
    ) {
        var settledBy: [String: DoorConfig] = [:]
        for door in doors {
            guard let index = outputs.firstIndex(where: { $0.id == door.relay }), let table = tables.first(where: { $0.name == door.relay })?.table else { continue }
            if let other = settledBy[door.relay], other.failMode != door.failMode {
                root.reader.report(
                    "doors.\(door.id).fail_mode", "doors \(other.id) and \(door.id) share relay \"\(door.relay)\" but not their fail mode")
            }
            settledBy[door.relay] = door
            let wanted: OutputLineConfig.SafeState = door.failMode == .safe ? .active : .inactive
            if table.values["safe_state"] != nil, outputs[index].safeState != wanted {
                root.reader.report(
                    table.key("safe_state"),
                    "\"\(outputs[index].safeState.rawValue)\" contradicts doors.\(door.id).fail_mode \"\(door.failMode.rawValue)\": a fail-\(door.failMode.rawValue) door's relay rests \(wanted.rawValue)")
            }
            outputs[index].safeState = wanted
        }
    }

    private static func parseMQTT(_ table: ConfigReader.Table) -> MQTTConfig? {
        table.rejectUnknownKeys([
            "url", "client_id", "keepalive_s", "protocol", "username", "password_file", "ca_file", "cert_file", "key_file", "window",
            "reconnect_max_s",
        ])
        guard let url = table.string("url") else { return nil }
        guard let parsed = MQTTConfig.parseURL(url) else {
            table.reader.report(table.key("url"), "expected mqtt://HOST:PORT or mqtts://HOST:PORT, got \"\(url)\"")
            return nil
        }
        var config = MQTTConfig(url: url, host: parsed.host, port: parsed.port, usesTLS: parsed.usesTLS)
        config.clientID = table.optionalString("client_id")
        config.keepaliveSeconds = table.integer("keepalive_s", default: 30, in: 5...3600) ?? 30
        config.protocolVersion = table.choice("protocol", default: .v5) ?? .v5
        config.username = table.optionalString("username")
        config.passwordFile = table.optionalString("password_file")
        config.caFile = table.optionalString("ca_file")
        config.certificateFile = table.optionalString("cert_file")
        config.keyFile = table.optionalString("key_file")
        config.window = table.integer("window", default: 256, in: 1...65_000) ?? 256
        config.reconnectMaximumSeconds = table.integer("reconnect_max_s", default: 60, in: 1...3600) ?? 60
        if let clientID = config.clientID, clientID.isEmpty || clientID.utf8.count > 128 {
            table.reader.report(table.key("client_id"), "expected 1 to 128 characters")
        }
        if (config.certificateFile == nil) != (config.keyFile == nil) {
            table.reader.report(table.path, "cert_file and key_file go together (mutual TLS needs both)")
        }
        if !config.usesTLS && (config.caFile != nil || config.certificateFile != nil) {
            table.reader.report(table.key("url"), "TLS files are set but the URL is mqtt://; use mqtts://")
        }
        return config
    }

    private static func parseOutbox(_ table: ConfigReader.Table) -> Outbox {
        table.rejectUnknownKeys(["max_events", "high_water", "retention_h"])
        var outbox = Outbox()
        outbox.maximumEvents = Int64(table.integer("max_events", default: 1_000_000, in: 1000...100_000_000) ?? 1_000_000)
        outbox.highWater = table.optionalInteger("high_water", in: 100...100_000_000).map(Int64.init) ?? outbox.maximumEvents * 8 / 10
        outbox.retentionHours = table.integer("retention_h", default: 168, in: 1...87_600) ?? 168
        if outbox.highWater >= outbox.maximumEvents {
            table.reader.report(table.key("high_water"), "must be below max_events (\(outbox.maximumEvents)), got \(outbox.highWater)")
        }
        return outbox
    }

    private static func parsePolicy(_ table: ConfigReader.Table) -> Policy {
        table.rejectUnknownKeys(["clock_skew_s", "accept_uncached_invites", "repeated_denials"])
        var policy = Policy()
        policy.clockSkewSeconds = table.integer("clock_skew_s", default: 60, in: 0...3600) ?? 60
        policy.acceptUncachedInvites = table.bool("accept_uncached_invites", default: false)
        policy.repeatedDenialsThreshold = table.integer("repeated_denials", default: 5, in: 2...1000) ?? 5
        return policy
    }

    static func parseAddress(_ table: ConfigReader.Table) -> GPIOLineAddress? {
        let chip = table.string("chip", default: "gpiochip0")
        let line = table.integer("line", in: 0...1023)
        let activeLow = table.bool("active_low", default: false)
        guard let chip, let line else { return nil }
        return GPIOLineAddress(chip: chip, line: line, activeLow: activeLow)
    }

    private static func parseOutput(_ id: String, _ table: ConfigReader.Table) -> OutputLineConfig? {
        table.rejectUnknownKeys(["chip", "line", "active_low", "safe_state"])
        let address = parseAddress(table)
        let safeState: OutputLineConfig.SafeState? = table.choice("safe_state", default: .inactive)
        guard let address, let safeState else { return nil }
        return OutputLineConfig(id: id, address: address, safeState: safeState)
    }

    private static func parseInput(_ id: String, _ table: ConfigReader.Table) -> InputLineConfig? {
        table.rejectUnknownKeys(["chip", "line", "active_low", "role", "debounce_ms"])
        let address = parseAddress(table)
        let role: InputLineConfig.Role? = table.choice("role")
        let debounce = table.integer("debounce_ms", default: 50, in: 0...400)
        guard let address, let role, let debounce else { return nil }
        return InputLineConfig(id: id, address: address, role: role, debounceMilliseconds: debounce)
    }

    private static func parseDoor(_ id: String, _ table: ConfigReader.Table, outputs: [OutputLineConfig], inputs: [InputLineConfig]) -> DoorConfig? {
        table.rejectUnknownKeys(["kind", "zone", "relay", "buzzer", "pulse_ms", "held_open_s", "contact", "exit_button", "rotation", "fail_mode", "stale_policy"])
        let kind: DoorConfig.Kind? = table.choice("kind", default: .door)
        let zone = table.identifier("zone")
        let relay = table.identifier("relay")
        for key in ["relay", "buzzer"] {
            if let name = table.optionalIdentifier(key), !outputs.contains(where: { $0.id == name }) {
                table.reader.report(table.key(key), "\"\(name)\" is not an output under [outputs] (have: \(outputs.map(\.id).joined(separator: ", ")))")
            }
        }
        func input(_ key: String, role: InputLineConfig.Role) -> String? {
            guard let name = table.optionalIdentifier(key) else { return nil }
            guard let line = inputs.first(where: { $0.id == name }) else {
                table.reader.report(table.key(key), "\"\(name)\" is not an input under [inputs]")
                return nil
            }
            if line.role != role {
                table.reader.report(table.key(key), "input \"\(name)\" has role \"\(line.role.rawValue)\", expected \"\(role.rawValue)\"")
            }
            return name
        }
        let door = DoorConfig(
            id: id, kind: kind ?? .door, zone: zone ?? "", relay: relay ?? "", buzzer: table.optionalIdentifier("buzzer"),
            pulseMilliseconds: table.integer("pulse_ms", default: 3000, in: 100...60_000) ?? 3000,
            heldOpenSeconds: table.integer("held_open_s", default: 30, in: 1...3600) ?? 30,
            contact: input("contact", role: .doorContact), exitButton: input("exit_button", role: .exitButton),
            rotation: input("rotation", role: .rotation),
            failMode: table.choice("fail_mode", default: .secure) ?? .secure,
            stalePolicy: table.choice("stale_policy", default: .deny) ?? .deny)
        return zone == nil || relay == nil || kind == nil ? nil : door
    }

    /// Two lines on one chip and offset would fight each other: each is requested once.
    static func checkLinesAreDistinct(_ lines: [(key: String, address: GPIOLineAddress)], root: ConfigReader.Table) {
        var seen: [String: String] = [:]
        for (key, address) in lines {
            let place = "\(address.chip):\(address.line)"
            if let other = seen[place] {
                root.reader.report(key, "uses \(address.chip) line \(address.line), which \(other) uses already")
            } else {
                seen[place] = key
            }
        }
    }
}
