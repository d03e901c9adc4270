import CGPIOD
import GatehouseCore
import Glibc

/// One open GPIO chip: the single owner of its `gpiod_chip` handle, closed (and every line
/// requested from it released) in `deinit`.
final class GPIODChip {
    let name: String
    /// Owned: from gpiod_chip_open_lookup, freed by gpiod_chip_close in deinit.
    let pointer: OpaquePointer

    /// Opens `name` (`gpiochip0`, a path, a label or a number, as libgpiod looks it up).
    /// `user` says which line wanted it, for the error.
    init(name: String, for user: String) throws(GPIOError) {
        guard let pointer = gpiod_chip_open_lookup(name) else {
            throw GPIOError(.open, "cannot open GPIO chip \"\(name)\" for \(user): \(String(cString: strerror(errno)))")
        }
        self.name = name
        self.pointer = pointer
    }

    /// A line of this chip. The line belongs to the chip: it is valid until the chip closes,
    /// and never freed on its own.
    func line(_ offset: Int, for user: String) throws(GPIOError) -> OpaquePointer {
        guard let line = gpiod_chip_get_line(pointer, UInt32(offset)) else {
            throw GPIOError(.line, "GPIO chip \"\(name)\" has no line \(offset) (\(user)): \(String(cString: strerror(errno)))")
        }
        return line
    }

    deinit {
        gpiod_chip_close(pointer)
    }
}
