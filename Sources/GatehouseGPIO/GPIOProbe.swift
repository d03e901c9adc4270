import CGPIOD
import GatehouseCore
import Glibc

/// What `check-config` asks of the machine's GPIO chips when `hardware.gpio = "gpiod"`: every
/// configured line (outputs, inputs, Wiegand data lines) is on a chip that opens, within its
/// lines, and not held by another program. Nothing is requested or changed.
public enum GPIOProbe {
    /// The problems found, naming the configuration key of each line.
    public static func problems(_ config: GatehouseConfig, file: String) -> [ConfigProblem] {
        guard config.hardware.gpio == .gpiod else { return [] }
        var lines = config.outputs.map { ("outputs.\($0.id).line", $0.address.chip, $0.address.line) }
        lines += config.inputs.map { ("inputs.\($0.id).line", $0.address.chip, $0.address.line) }
        for reader in config.readers {
            guard case .wiegand(let wiegand) = reader.source else { continue }
            lines += [("readers.\(reader.id).d0", wiegand.chip, wiegand.d0), ("readers.\(reader.id).d1", wiegand.chip, wiegand.d1)]
        }
        var chips: [String: GPIODChip] = [:]
        var unopened: Set<String> = []
        var problems: [ConfigProblem] = []
        for (key, name, offset) in lines {
            if unopened.contains(name) { continue }
            let chip: GPIODChip
            if let open = chips[name] {
                chip = open
            } else {
                do throws(GPIOError) {
                    chip = try GPIODChip(name: name, for: key)
                    chips[name] = chip
                } catch {
                    unopened.insert(name)
                    problems.append(ConfigProblem(file: file, key: key, message: error.message))
                    continue
                }
            }
            let count = Int(gpiod_chip_num_lines(chip.pointer))
            guard offset < count else {
                problems.append(ConfigProblem(file: file, key: key, message: "GPIO chip \"\(name)\" has lines 0 to \(count - 1), not \(offset)"))
                continue
            }
            guard let line = try? chip.line(offset, for: key) else { continue }
            if gpiod_line_is_used(line) {
                let consumer = gpiod_line_consumer(line).map { String(cString: $0) } ?? "the kernel"
                problems.append(ConfigProblem(file: file, key: key, message: "\(name) line \(offset) is in use by \(consumer)"))
            }
        }
        return problems
    }
}
