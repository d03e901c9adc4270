import ArgumentParser
import GRDB
import GatehouseGPIO
import GatehouseMQTT
import GatehouseNFC
import GatehouseQR

/// `gatehouse version`: the software's version and that of every C library it links.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version of Gatehouse and of the libraries it uses.")

    func run() throws {
        let sqlite = (try? DatabaseQueue().read { db in try String.fetchOne(db, sql: "SELECT sqlite_version()") }) ?? nil
        print("gatehouse \(GatehouseVersion.software)")
        print("libnfc \(NFCLibrary.version)")
        print("zbar \(QRLibraries.zbarVersion)")
        print("libgpiod \(GPIOLibrary.version)")
        print("libmosquitto \(MQTTLibrary.version)")
        print("sqlite \(sqlite ?? "unknown")")
        print("libqrencode \(QRLibraries.qrencodeVersion)")
        print("libpng \(QRLibraries.pngVersion)")
    }
}
