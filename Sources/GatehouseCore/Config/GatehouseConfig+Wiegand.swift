extension GatehouseConfig {
    /// `[wiegand_formats.NAME]`: custom card formats, by name, beside the built-in ones.
    ///
    /// ```toml
    /// [wiegand_formats.site40]
    /// bits = 40
    /// facility = [1, 16]          # first and last bit, counted from 0 in arrival order
    /// number = [17, 38]
    /// parity = [{ bit = 0, kind = "even", from = 1, to = 19 }, { bit = 39, kind = "odd", from = 20, to = 38 }]
    /// ```
    static func parseWiegandFormats(_ root: ConfigReader.Table) -> [String: WiegandFormat] {
        var formats = WiegandFormat.known
        for (name, table) in root.namedTables("wiegand_formats") {
            table.rejectUnknownKeys(["bits", "facility", "number", "parity"])
            if WiegandFormat.known[name] != nil {
                table.reader.report(table.path, "\"\(name)\" is a built-in format's name; give the custom format another")
                continue
            }
            guard let bits = table.integer("bits", in: 1...WiegandDecoder.maximumBits) else { continue }
            let number = bitRange(table, "number", required: true)
            let facility = bitRange(table, "facility", required: false)
            let parities = parityBits(table)
            guard let number, let parities else { continue }
            let format = WiegandFormat(name: name, bitCount: bits, parities: parities, facility: facility, number: number)
            if [4, 8].contains(bits) {
                table.reader.report(table.key("bits"), "4- and 8-bit frames are keypad keys, not cards")
            } else if let problem = format.problem {
                table.reader.report(table.path, problem)
            } else {
                formats[name] = format
            }
        }
        return formats
    }

    /// `[first, last]`: a field's bits.
    private static func bitRange(_ table: ConfigReader.Table, _ key: String, required: Bool) -> ClosedRange<Int>? {
        guard let value = table.values[key] else {
            if required { table.reader.report(table.key(key), "is required (expected [first, last] bit)") }
            return nil
        }
        if case .array(let items) = value, items.count == 2, case .integer(let first) = items[0], case .integer(let last) = items[1], first >= 0, first <= last {
            return first...last
        }
        table.reader.report(table.key(key), "expected [first, last]: two bit numbers from 0, first not after last")
        return nil
    }

    /// `parity = [{ bit, kind, from, to }, ...]`; an empty list for a format without parity.
    private static func parityBits(_ table: ConfigReader.Table) -> [WiegandFormat.Parity]? {
        guard let value = table.values["parity"] else { return [] }
        guard case .array(let items) = value else {
            table.reader.report(table.key("parity"), "expected an array of { bit, kind, from, to }")
            return nil
        }
        var parities: [WiegandFormat.Parity] = []
        for (index, item) in items.enumerated() {
            guard case .table(let values) = item else {
                table.reader.report(table.key("parity[\(index)]"), "expected { bit = N, kind = \"even\"|\"odd\", from = N, to = N }")
                return nil
            }
            let entry = table.reader.table(values, at: table.key("parity[\(index)]"))
            entry.rejectUnknownKeys(["bit", "kind", "from", "to"])
            guard let bit = entry.integer("bit", in: 0...127), let kind: WiegandFormat.Parity.Kind = entry.choice("kind"),
                let from = entry.integer("from", in: 0...127), let to = entry.integer("to", in: 0...127)
            else { return nil }
            guard from <= to, !(from...to).contains(bit) else {
                entry.reader.report(entry.path, "the bits covered (from \(from) to \(to)) must not include the parity bit \(bit), and from must not be after to")
                return nil
            }
            parities.append(WiegandFormat.Parity(bit: bit, kind: kind, covered: Array(from...to)))
        }
        return parities
    }

    /// A reader's `formats`: built-in names or `[wiegand_formats.NAME]`; the defaults without the key.
    static func readerFormats(_ table: ConfigReader.Table, known: [String: WiegandFormat]) -> [WiegandFormat]? {
        guard let value = table.values["formats"] else { return WiegandFormat.defaults }
        guard case .array(let items) = value, !items.isEmpty else {
            table.reader.report(table.key("formats"), "expected a list of format names, such as [\"H10301\", \"C1000-35\"]")
            return nil
        }
        var formats: [WiegandFormat] = []
        for item in items {
            guard case .string(let name) = item, let format = known[name] else {
                let shown = if case .string(let name) = item { "\"\(name)\"" } else { item.typeName }
                table.reader.report(table.key("formats"), "\(shown) is not a format (have: \(known.keys.sorted().joined(separator: ", ")))")
                return nil
            }
            formats.append(format)
        }
        return formats
    }

    /// An OSDP reader's `device`, `baud`, `address`, `install` and `formats`.
    static func parseOSDP(_ table: ConfigReader.Table, formats known: [String: WiegandFormat]) -> ReaderConfig.OSDPSettings? {
        let device = table.string("device")
        let baud = table.integer("baud", default: 9600, in: 1200...1_000_000)
        let address = table.integer("address", in: 0...126)
        let install = table.bool("install", default: false)
        let formats = readerFormats(table, known: known)
        if let baud, !ReaderConfig.osdpBaudRates.contains(baud) {
            table.reader.report(table.key("baud"), "expected one of \(ReaderConfig.osdpBaudRates.map(String.init).joined(separator: ", ")), got \(baud)")
        }
        guard let device, let baud, let address, let formats else { return nil }
        return ReaderConfig.OSDPSettings(device: device, baudRate: baud, address: address, install: install, formats: formats)
    }

    /// Readers of one OSDP bus: addresses unique, one speed.
    static func checkOSDPBuses(_ readers: [ReaderConfig], root: ConfigReader.Table) {
        var buses: [String: (baud: Int, addresses: [Int: String])] = [:]
        for reader in readers {
            guard case .osdp(let osdp) = reader.source else { continue }
            var bus = buses[osdp.device] ?? (osdp.baudRate, [:])
            if bus.baud != osdp.baudRate {
                root.reader.report("readers.\(reader.id).baud", "\(osdp.device) runs at \(bus.baud) baud for its other readers; one bus has one speed")
            }
            if let other = bus.addresses[osdp.address] {
                root.reader.report("readers.\(reader.id).address", "address \(osdp.address) on \(osdp.device) is readers.\(other)'s already")
            }
            bus.addresses[osdp.address] = reader.id
            buses[osdp.device] = bus
        }
    }

    /// A Wiegand reader's `chip`, `d0`, `d1`, `formats` and `quiet_ms`.
    static func parseWiegand(_ table: ConfigReader.Table, formats known: [String: WiegandFormat], inputs: [InputLineConfig]) -> ReaderConfig.WiegandSettings? {
        let chip = table.string("chip", default: "gpiochip0")
        let d0 = table.integer("d0", in: 0...1023), d1 = table.integer("d1", in: 0...1023)
        let quiet = table.integer("quiet_ms", default: 25, in: 5...500)
        let formats = readerFormats(table, known: known)
        guard let chip, let d0, let d1, let quiet, let formats else { return nil }
        if d0 == d1 { table.reader.report(table.key("d1"), "DATA1 must be another line than DATA0 (\(d0))") }
        return ReaderConfig.WiegandSettings(chip: chip, d0: d0, d1: d1, formats: formats, quietMilliseconds: quiet)
    }

    /// The Wiegand readers' data lines, for the check that no line is used twice.
    static func wiegandLines(_ readers: [ReaderConfig]) -> [(key: String, address: GPIOLineAddress)] {
        readers.flatMap { reader -> [(key: String, address: GPIOLineAddress)] in
            guard case .wiegand(let wiegand) = reader.source else { return [] }
            return [
                ("readers.\(reader.id).d0", GPIOLineAddress(chip: wiegand.chip, line: wiegand.d0, activeLow: false)),
                ("readers.\(reader.id).d1", GPIOLineAddress(chip: wiegand.chip, line: wiegand.d1, activeLow: false)),
            ]
        }
    }
}
