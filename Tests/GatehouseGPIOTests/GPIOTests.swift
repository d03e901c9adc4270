import Foundation
import GatehouseCore
import GatehouseGPIO
import GatehouseTesting
import Logging
import Synchronization
import Testing

/// A device with a fail-safe door, a fail-secure door, a buzzer and two inputs.
private let config: GatehouseConfig = {
    let text = """
        site = "acme"
        device = "gate-01"
        database = "state/gatehouse.sqlite"
        [trust]
        bundle_keys = "b.jwks"
        invite_keys = "i.jwks"
        command_keys = "c.jwks"
        [outputs.gate-relay]
        line = 17
        [outputs.exit-relay]
        chip = "gpiochip1"
        line = 3
        active_low = true
        [outputs.buzzer]
        line = 18
        [inputs.contact]
        line = 22
        role = "door_contact"
        debounce_ms = 100
        [inputs.button]
        line = 23
        role = "exit_button"
        debounce_ms = 0
        [doors.gate]
        zone = "site"
        relay = "gate-relay"
        buzzer = "buzzer"
        contact = "contact"
        exit_button = "button"
        [doors.fire-exit]
        zone = "site"
        relay = "exit-relay"
        fail_mode = "safe"
        """
    return try! GatehouseConfig.parse(toml: text, file: "test.toml")
}()

@Suite("GPIO lines, simulated and through libgpiod")
struct GPIOTests {
    let logger = Logger(label: "test")

    @Test("claimed: relays locked and the rest at their safe state; a pulse ends by itself; released: every output at its safe state")
    func simulatedOutputs() throws {
        let directory = TemporaryDirectory("gatehouse-gpio")
        let file = directory.file("lines.json")
        let gpio = SimulatedGPIO(config: config, stateFile: file, logger: logger)
        try gpio.claim()
        #expect(try String(contentsOfFile: file, encoding: .utf8) == #"{"claimed":true,"outputs":{"buzzer":"inactive","exit-relay":"inactive","gate-relay":"inactive"}}"# + "\n")
        gpio.watch { _ in }
        gpio.pulse("gate-relay", milliseconds: 100)
        #expect(gpio.levels["gate-relay"] == true && gpio.pulses.map(\.output) == ["gate-relay"] && gpio.pulses.map(\.milliseconds) == [100])
        #expect(waitFor { gpio.levels["gate-relay"] == false }, "the pulse ends by itself")
        gpio.hold("buzzer", active: true)
        gpio.pulse("buzzer", milliseconds: 100)
        #expect(waitFor { gpio.pulses.count == 2 } && waitFor { gpio.levels["buzzer"] == true })
        gpio.release()
        gpio.release()
        #expect(try String(contentsOfFile: file, encoding: .utf8) == #"{"claimed":false,"outputs":{"buzzer":"inactive","exit-relay":"active","gate-relay":"inactive"}}"# + "\n")
    }

    @Test("inputs are reported once they have lasted their debounce time; a shorter bounce is not")
    func simulatedInputs() throws {
        let gpio = SimulatedGPIO(config: config, logger: logger)
        try gpio.claim()
        let changes = Mutex<[InputChange]>([])
        gpio.watch { change in changes.withLock { $0.append(change) } }
        gpio.setInput("button", high: true)  // no debounce: at once
        #expect(changes.withLock { $0 } == [InputChange(input: "button", active: true)])
        gpio.setInput("contact", high: true)
        gpio.setInput("contact", high: false)  // back before 100 ms: a bounce
        gpio.setInput("contact", high: true)
        #expect(waitFor { changes.withLock { $0.count } == 2 })
        #expect(changes.withLock { $0 }.last == InputChange(input: "contact", active: true))
        #expect(!gpio.setInput("contact", high: true), "unchanged")
        gpio.release()
        #expect(changes.withLock { $0.count } == 2)
    }

    @Test("without a GPIO chip the libgpiod adapter refuses to claim, naming the chip, the line and its use")
    func noChip() {
        let gpio = GPIODLines(config: config, logger: logger)
        #expect {
            try gpio.claim()
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("gpio.open: cannot open GPIO chip \"gpiochip0\" for output buzzer, line 18") && text.contains("No such file")
        }
        gpio.release()
        #expect(GPIOLibrary.version.hasPrefix("1.6"))
    }

    /// Polls for up to ten seconds.
    func waitFor(_ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return condition()
    }
}
