import Foundation
import GatehouseCore
import GatehouseQR
import GatehouseTesting
import Testing

/// The visitor flow through the running daemon, its gate watched by two simulated cameras.
@Suite("Visitors at camera readers end to end", .serialized)
struct VisitorCameraTests {
    @Test("a visitor shows the invite's QR code: checked in at the entry camera, checked out at the exit camera; bad codes are refused with their reasons")
    func checkInAndOut() throws {
        let entry = TemporaryDirectory("gatehouse-camera-in")
        let exit = TemporaryDirectory("gatehouse-camera-out")
        let fixture = try DaemonFixture()
        let readers = [("gate-cam-in", entry.path, "in"), ("gate-cam-out", exit.path, "out")].map { id, frames, direction in
            "\n[readers.\(id)]\ntype = \"camera\"\nframes = \"\(frames)\"\nfps = 20\ndoor = \"gate\"\ndirection = \"\(direction)\"\n"
        }
        try (try String(contentsOfFile: fixture.config, encoding: .utf8) + readers.joined()).write(toFile: fixture.config, atomically: true, encoding: .utf8)
        let daemon = try fixture.start()
        let token = try fixture.visitorToken()
        func show(_ text: String, to camera: TemporaryDirectory) throws {
            try PNGFile.write(QRDecoderTests.frame(try QRCodeRenderer.render(text, scale: 3)), to: camera.file("shown.png"))
        }
        func takeAway(from camera: TemporaryDirectory) throws { try FileManager.default.removeItem(atPath: camera.file("shown.png")) }
        func types() throws -> [String] { try fixture.events().compactMap { $0.string("type") } }
        func reasons() throws -> [String] {
            try fixture.events().filter { $0.string("type")?.hasPrefix("gatehouse.access.") == true }.compactMap { $0.object("data")?.string("reason") }
        }

        // The gate has a contact: the visitor is checked in and out when it opens.
        try show(token, to: entry)
        #expect(try waitUntil { try reasons().count == 1 })
        try daemon.walkThrough(contact: "gate-contact")
        #expect(try waitUntil { try types().contains("gatehouse.visitor.checked_in") })
        try takeAway(from: entry)
        try show(token, to: exit)
        #expect(try waitUntil { try reasons().count == 2 })
        try daemon.walkThrough(contact: "gate-contact")
        #expect(try waitUntil { try types().contains("gatehouse.visitor.checked_out") })
        try takeAway(from: exit)

        // A code that is not a token: looked up as a static code.
        try show("PARKING-17", to: entry)
        #expect(try waitUntil { try reasons().count == 3 })
        // The visitor's token at the entry again: its one entry is spent. (Another code came
        // between, so this is a new presentation at once, not the same code still held.)
        try show(token, to: entry)
        #expect(try waitUntil { try reasons().count == 4 })
        try takeAway(from: entry)
        // Signed with the bundle key instead of an invite key.
        let forged = try fixture.site.run([
            "token", "mint", "--sign", fixture.site.bundleKey, "--site", "acme", "--invite", "inv-1", "--valid-for", "1h",
        ]).standardOutput.trimmingWhitespace()
        try show(forged, to: exit)
        #expect(try waitUntil { try reasons().count == 5 })
        #expect(try reasons() == ["granted", "granted", "unknown_credential", "invite_used_up", "token_bad_signature"])
        #expect(daemon.stop() == 0)
        #expect(!daemon.log.contains(token) && !daemon.log.contains(forged), "raw tokens never reach the log")
    }
}
