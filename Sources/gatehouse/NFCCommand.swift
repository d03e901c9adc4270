import ArgumentParser
import Foundation
import GatehouseCore
import GatehouseNFC
import GatehouseThreads
import Logging

/// `gatehouse nfc`: tools for installers: which readers libnfc finds, and the UID of a card.
struct NFCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nfc", abstract: "Find NFC readers and read a card's UID, for installers.",
        subcommands: [List.self, Read.self])

    /// Runs libnfc's blocking calls on a thread of their own, never on Swift's cooperative pool.
    static func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await DedicatedThread.run(name: "gatehouse.nfc") {
            defer { LibNFCLog.drain() }  // libnfc's reasons before the command's own words
            return try body()
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List the NFC readers libnfc finds, as connection strings for a reader's `connection`.",
            discussion: "Exit status: 0 when at least one reader is found, 1 when none is, 2 when libnfc cannot start.")

        func run() async throws {
            try await failing {
                LibNFCLog.forward(to: Logger(label: "libnfc"))
                let found = try await NFCCommand.onOwnThread { () throws(CLIFailure) -> [String] in
                    do throws(NFCError) { return try NFCContext().listDevices() } catch { throw CLIFailure.environment(error.message) }
                }
                for connection in found { print(connection) }
                if found.isEmpty {
                    var message =
                        "no NFC reader found. USB readers (ACR122U, PN533) are found by probing; a PN532 on a serial line is not: name it yourself, e.g. pn532_uart:/dev/ttyUSB0, and try it with `gatehouse nfc read --device`"
                    // A USB reader the kernel's driver holds is not found either.
                    let held = NFCDiagnosis().explain("pn53x_usb")
                    if held.hasPrefix("the kernel") { message += ". Also: \(held)" }
                    throw CLIFailure.refused(message)
                }
            }
        }
    }

    struct Read: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "read", abstract: "Wait for a card on a reader and print its UID as the cache stores it (uppercase hex).",
            discussion: "Exit status: 0 when a card was read, 1 when none came in time, 2 when the reader cannot be opened or fails.")

        @Option(help: "The reader's libnfc connection string, e.g. pn532_uart:/dev/ttyUSB0.") var device: String
        @Option(name: .customLong("timeout"), help: "How long to wait for a card, 1s to 1h: 30s, 5m.") var wait: String = "30s"
        var timeout: Int { Int(DurationText.seconds(wait) ?? 0) }

        func validate() throws {
            guard DurationText.seconds(wait) != nil else { throw ValidationError(DurationText.problem("--timeout", wait)) }
            guard (1...3600).contains(timeout) else { throw ValidationError("--timeout must be from 1s to 1h, got \(wait)") }
        }

        func run() async throws {
            try await failing {
                LibNFCLog.forward(to: Logger(label: "libnfc"))
                let (device, timeout) = (device, timeout)
                let card = try await NFCCommand.onOwnThread { try Self.poll(device: device, timeout: timeout) }
                printError("\(card.uid.count)-byte UID, ATQA \(BadgeUID.hex(card.atqa)), SAK \(BadgeUID.hex([card.sak]))")
                print(card.normalizedUID)
            }
        }

        /// Polls the reader until a card comes or time runs out.
        private static func poll(device: String, timeout: Int) throws -> NFCCard {
            do throws(NFCError) {
                let reader = try NFCDevice(context: try NFCContext(), connection: device)
                defer { reader.close() }
                printError("waiting up to \(timeout) s for a card on \(reader.name)…")
                let deadline = DispatchTime.now() + .seconds(timeout)
                while DispatchTime.now() < deadline {
                    if let card = try reader.selectCard() { return card }
                    Thread.sleep(forTimeInterval: 0.05)
                }
            } catch {
                throw CLIFailure.environment(error.message)
            }
            throw CLIFailure.refused("no card on \(device) within \(timeout) s")
        }
    }
}
