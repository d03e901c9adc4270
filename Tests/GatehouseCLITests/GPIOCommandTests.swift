import Foundation
import GatehouseTesting
import Testing

/// `gatehouse gpio pulse` and `watch`: by the lines' names, refused while the daemon holds them,
/// on simulated lines (no GPIO chip exists here) and up to opening a real chip.
@Suite("gatehouse gpio, for installers")
struct GPIOCommandTests {
    @Test("pulse an output by name (a door's relay for its pulse_ms), watch inputs by name; unknown names are refused with the known ones")
    func pulseAndWatch() throws {
        let fixture = try DaemonFixture()
        let pulse = try fixture.site.run(["gpio", "pulse", "--config", fixture.config, "gate-relay"])
        #expect(pulse.status == 0, "\(pulse.standardError)")
        #expect(pulse.standardOutput.contains("pulsed gate-relay (chip gpiochip0 line 17) for 3000 ms; it rests inactive again"), "\(pulse.standardOutput)")
        let short = try fixture.site.run(["gpio", "pulse", "--config", fixture.config, "gate-buzzer", "--ms", "50"])
        #expect(short.status == 0 && short.standardOutput.contains("pulsed gate-buzzer") && short.standardOutput.contains("for 50 ms"))

        let unknown = try fixture.site.run(["gpio", "pulse", "--config", fixture.config, "gate-relais"])
        #expect(unknown.status == 1 && unknown.standardError.contains("no output \"gate-relais\"") && unknown.standardError.contains("its outputs: gate-buzzer, gate-relay"))
        #expect(try fixture.site.run(["gpio", "pulse", "--config", fixture.config, "gate-relay", "--ms", "0"]).status == 64)

        let watch = try fixture.site.run(["gpio", "watch", "--config", fixture.config, "gate-contact", "fire-alarm", "--for", "1s"])
        #expect(watch.status == 0, "\(watch.standardError)")
        let lines = watch.standardOutput.split(separator: "\n")
        #expect(lines.count == 2 && lines[0].contains("gate-contact") && lines[0].contains("door_contact") && lines[0].contains("inactive"))
        #expect(lines[1].contains("fire-alarm") && lines[1].contains("active low"))
        let typo = try fixture.site.run(["gpio", "watch", "--config", fixture.config, "gate-contakt", "--for", "1s"])
        #expect(typo.status == 1 && typo.standardError.contains("no input \"gate-contakt\""))
        #expect(try fixture.site.run(["gpio", "watch", "--config", fixture.config, "--for", "1"]).status == 64, "a duration carries its unit")
    }

    @Test("Ctrl-C during a long pulse puts the line back at rest and exits cleanly")
    func interruptedPulse() throws {
        let fixture = try DaemonFixture()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: GatehouseBinary.path)
        process.arguments = ["gpio", "pulse", "--config", fixture.config, "gate-relay", "--ms", "60000"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: 1)  // long enough to have claimed the line; the pulse lasts a minute
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0 && text.contains("pulsed gate-relay") && text.contains("interrupted: it was put back at rest at once"), "\(text)")
    }

    @Test("refused while the daemon holds the lines, with what to do instead")
    func refusedWhileRunning() throws {
        let fixture = try DaemonFixture()
        let daemon = try fixture.start()
        let pulse = try fixture.site.run(["gpio", "pulse", "--config", fixture.config, "gate-relay"])
        #expect(pulse.status == 1 && pulse.standardError.contains("the daemon holds the GPIO lines") && pulse.standardError.contains("systemctl stop gatehouse"))
        #expect(try fixture.site.run(["gpio", "watch", "--config", fixture.config, "--for", "1s"]).status == 1)
        #expect(daemon.stop() == 0)
        #expect(try fixture.site.run(["gpio", "pulse", "--config", fixture.config, "gate-buzzer", "--ms", "20"]).status == 0, "free again once it stopped")
    }

    @Test("with hardware.gpio = \"gpiod\" a missing chip is an environment failure naming the chip and the line")
    func missingChip() throws {
        let fixture = try DaemonFixture()
        let text = try String(contentsOfFile: fixture.config, encoding: .utf8)
        let gpiod = fixture.site.directory.write("site/gpiod.toml", text.replacingOccurrences(of: "gpio = \"simulated\"", with: "gpio = \"gpiod\""))
        let pulse = try fixture.site.run(["gpio", "pulse", "--config", gpiod, "gate-relay"])
        #expect(pulse.status == 2 && pulse.standardError.contains("cannot open GPIO chip \"gpiochip0\" for output gate-relay, line 17"), "\(pulse.standardError)")
    }
}
