extension GatehouseConfig {
    static func parseReader(
        _ id: String, _ table: ConfigReader.Table, doors: [DoorConfig], outputs: [OutputLineConfig], inputs: [InputLineConfig], formats: [String: WiegandFormat]
    ) -> ReaderConfig? {
        let type: ReaderConfig.SourceType? = table.choice("type")
        var known: Set<String> = ["type", "door", "direction", "checkpoint", "repeat_after_s", "feedback", "led", "beeper", "role"]
        var source: ReaderConfig.Source?
        var cardSecurity = ReaderConfig.CardSecurity.uid
        switch type {
        case .simulated?: source = .simulated
        case .nfc?:
            known.formUnion(["connection", "poll_ms", "card_security", "ntag424_check", "file_mode"])
            if let connection = table.string("connection"), let poll = table.integer("poll_ms", default: 50, in: 10...1000) {
                if !connection.contains(":") {
                    table.reader.report(table.key("connection"), "expected a libnfc connection string such as pn532_uart:/dev/ttyUSB0, got \"\(connection)\"")
                }
                source = .nfc(connection: connection, pollMilliseconds: poll)
            }
            cardSecurity = parseCardSecurity(table)
        case .camera?:
            known.formUnion(["device", "frames", "width", "height", "fps", "density", "region"])
            var settings = ReaderConfig.CameraSettings()
            settings.width = table.integer("width", default: 640, in: 160...4096) ?? settings.width
            settings.height = table.integer("height", default: 480, in: 120...4096) ?? settings.height
            settings.framesPerSecond = table.integer("fps", default: 15, in: 1...120) ?? settings.framesPerSecond
            settings.density = table.integer("density", default: 1, in: 1...8) ?? settings.density
            settings.region = cameraRegion(table)
            if let frames = table.string("frames", default: ""), !frames.isEmpty {
                if table.values["device"] != nil { table.reader.report(table.key("frames"), "a camera has a device or frames to play, not both") }
                source = .simulatedCamera(frames: frames, settings)
            } else if let device = table.string("device") {
                source = .camera(device: device, settings)
            }
        case .serial?:
            known.formUnion(["device", "baud", "terminator"])
            if let device = table.string("device"), let baud = table.integer("baud", default: 9600, in: 300...4_000_000),
                let terminator: ReaderConfig.LineTerminator = table.choice("terminator", default: .any) {
                if !ReaderConfig.baudRates.contains(baud) {
                    table.reader.report(
                        table.key("baud"), "expected one of \(ReaderConfig.baudRates.map(String.init).joined(separator: ", ")), got \(baud)")
                }
                source = .serial(device: device, baudRate: baud, terminator: terminator)
            }
        case .keyboard?:
            known.formUnion(["device", "layout"])
            if let device = table.string("device"), let layout: KeyboardLayout.Name = table.choice("layout", default: .us) {
                source = .keyboard(device: device, layout: layout)
            }
        case .wiegand?:
            known.formUnion(["chip", "d0", "d1", "formats", "quiet_ms"])
            source = parseWiegand(table, formats: formats, inputs: inputs).map(ReaderConfig.Source.wiegand)
        case .osdp?:
            known.formUnion(["device", "baud", "address", "install", "formats"])
            source = parseOSDP(table, formats: formats).map(ReaderConfig.Source.osdp)
        case nil: break
        }
        table.rejectUnknownKeys(known)
        let door = table.optionalIdentifier("door")
        if let door, !doors.contains(where: { $0.id == door }) {
            table.reader.report(table.key("door"), "\"\(door)\" is not a door under [doors] (have: \(doors.map(\.id).joined(separator: ", ")))")
        }
        let checkpoint = table.optionalIdentifier("checkpoint")
        enum Role: String, CaseIterable { case access, muster }
        let role: Role? = table.choice("role", default: .access)
        if role == .muster {
            if table.values["door"] != nil || table.values["checkpoint"] != nil {
                table.reader.report(table.key("role"), "a muster point serves no door and no checkpoint: remove `door` and `checkpoint`, or the role")
            }
        } else if door == nil && checkpoint == nil && table.values["door"] == nil && table.values["checkpoint"] == nil {
            table.reader.report(table.path, "a reader serves a door, a checkpoint, or both: set `door` or `checkpoint`, or role = \"muster\" for an assembly area")
        }
        func output(_ key: String) -> String? {
            let name = table.optionalIdentifier(key)
            if let name, !outputs.contains(where: { $0.id == name }) {
                table.reader.report(table.key(key), "\"\(name)\" is not an output under [outputs] (have: \(outputs.map(\.id).joined(separator: ", ")))")
            }
            return name
        }
        let feedback = output("feedback"), led = output("led"), beeper = output("beeper")
        let direction: ReaderConfig.Direction? = table.choice("direction", default: .in)
        let repeatAfter = table.integer("repeat_after_s", default: 0, in: 0...86_400)
        guard let source, let direction else { return nil }
        var reader = ReaderConfig(
            id: id, source: source, door: door, direction: direction, checkpoint: checkpoint,
            repeatAfterSeconds: repeatAfter == 0 ? nil : repeatAfter, feedback: feedback, led: led, beeper: beeper)
        reader.cardSecurity = cardSecurity
        reader.isMusterPoint = role == .muster
        return reader
    }

    /// An NFC reader's `card_security`, with `file_mode` (DESFire) or `ntag424_check` (NTAG 424).
    private static func parseCardSecurity(_ table: ConfigReader.Table) -> ReaderConfig.CardSecurity {
        enum Kind: String, CaseIterable { case uid, desfire, ntag424 }
        enum FileMode: String, CaseIterable { case full, mac }
        enum Check: String, CaseIterable { case authenticate, sun }
        let kind: Kind? = table.choice("card_security", default: .uid)
        if kind != .desfire, table.values["file_mode"] != nil {
            table.reader.report(table.key("file_mode"), "file_mode is for card_security = \"desfire\"")
        }
        if kind != .ntag424, table.values["ntag424_check"] != nil {
            table.reader.report(table.key("ntag424_check"), "ntag424_check is for card_security = \"ntag424\"")
        }
        switch kind {
        case .desfire?:
            let mode: FileMode? = table.choice("file_mode", default: .full)
            return .desfire(fullFileMode: mode != .mac)
        case .ntag424?:
            let check: Check? = table.choice("ntag424_check", default: .authenticate)
            return .ntag424(sun: check == .sun)
        case .uid?, nil:
            return .uid
        }
    }

    /// `region = [x, y, width, height]`: four whole numbers of pixels, the size positive.
    private static func cameraRegion(_ table: ConfigReader.Table) -> [Int]? {
        guard let value = table.values["region"] else { return nil }
        if case .array(let items) = value {
            let numbers = items.compactMap { item -> Int? in if case .integer(let number) = item { number } else { nil } }
            if numbers.count == 4, items.count == 4, numbers[0] >= 0, numbers[1] >= 0, numbers[2] > 0, numbers[3] > 0 { return numbers }
        }
        table.reader.report(table.key("region"), "expected [x, y, width, height] in pixels, the size positive")
        return nil
    }

    /// Two reader threads on one device would fight over it: each NFC connection string and
    /// each scanner's device is used once.
    static func checkReaderDevicesAreDistinct(_ readers: [ReaderConfig], root: ConfigReader.Table) {
        var seen: [String: String] = [:]
        for reader in readers {
            let (key, device): (String, String)
            switch reader.source {
            case .nfc(let connection, _): (key, device) = ("connection", connection)
            case .serial(let path, _, _), .keyboard(let path, _), .camera(let path, _): (key, device) = ("device", path)
            case .simulatedCamera(let frames, _): (key, device) = ("frames", frames)
            case .simulated, .wiegand, .osdp: continue  // Wiegand lines with the other lines; OSDP buses are shared.
            }
            if let other = seen[device] {
                root.reader.report("readers.\(reader.id).\(key)", "\(device) is readers.\(other)'s already; one device serves one reader")
            } else {
                seen[device] = reader.id
            }
        }
    }

}
