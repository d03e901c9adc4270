import Foundation
import GatehouseCore
@testable import GatehouseDaemon
import GatehouseGPIO
import GatehouseQR
import GatehouseStore
import GatehouseTesting
import Logging
import Testing

@Suite("Camera readers")
struct CameraReaderTests {
    @Test("a code held before the camera for many frames is one presentation; taken away and shown again, it counts again")
    func heldCodeIsOnePresentation() async throws {
        let fixture = try DaemonFixture()
        let token = try fixture.visitorToken()
        let (config, inviteKeys) = try ConfigFile.loadForDaemon(fixture.config)
        let database = try GatehouseDatabase(path: config.database)
        let log = EventLog(database: database, site: config.site, device: config.device)
        let logger = Logger(label: "test")
        let controller = try AccessController(
            config: config, inviteKeys: inviteKeys, database: database, eventLog: log, outputs: SimulatedGPIO(config: config, logger: logger), software: "test",
            logger: logger)
        let frames = TemporaryDirectory("gatehouse-camera")
        let camera = SimulatedCamera(directory: frames.path, framesPerSecond: 30)
        let loop = ReaderLoop(
            reader: try #require(config.reader("gate-in")), port: CameraReader(source: camera), style: .codes, controller: controller, eventLog: log,
            events: EventFactory(site: "acme", device: "gate-01"), logger: logger, now: WallClock.now)
        controller.start()
        loop.start()
        func decisions() throws -> [String] {
            try log.events(after: 0).filter { $0.type.hasPrefix("gatehouse.access.") }.compactMap { event in
                guard case .object(let cloud)? = try? JSONReader.parse(event.payload) else { return nil }
                return cloud.object("data")?.string("reason")
            }
        }

        let image = QRDecoderTests.frame(try QRCodeRenderer.render(token, scale: 3))
        try PNGFile.write(image, to: frames.file("visitor.png"))
        #expect(try waitUntil { try decisions() == ["granted"] })
        let shown = camera.framesPlayed
        #expect(waitUntil { camera.framesPlayed >= shown + 40 })
        #expect(try decisions() == ["granted"], "forty more frames of the same code: still one presentation")

        try FileManager.default.removeItem(atPath: frames.file("visitor.png"))
        let gone = camera.framesPlayed
        #expect(waitUntil { camera.framesPlayed >= gone + 45 })
        try PNGFile.write(image, to: frames.file("visitor.png"))
        #expect(try waitUntil { try decisions().count == 2 }, "shown again: a new presentation")
        #expect(try decisions() == ["granted", "granted"], "the visitor is still checked in, so the invite's one entry is not spent again")

        await loop.stop()
        await controller.stop()
    }

    @Test("a slow camera (2 frames a second) delivers each frame in turn and never looks stopped to the reader")
    func slowCamera() throws {
        let frames = TemporaryDirectory("gatehouse-camera")
        let camera = SimulatedCamera(directory: frames.path, framesPerSecond: 2)
        let reader = CameraReader(source: camera)
        try reader.open()
        var polls = 0
        while camera.framesPlayed < 4 {
            #expect(try reader.poll() == nil)
            polls += 1
        }
        #expect(polls > 4, "most 200 ms waits end without a frame, and that is no fault")
        reader.close()
    }

    @Test("without a camera the V4L2 reader names the device it could not open")
    func noCamera() throws {
        let directory = TemporaryDirectory("gatehouse-camera")
        let camera = V4L2Camera(device: directory.file("video0"), width: 640, height: 480, framesPerSecond: 15)
        do {
            try camera.open()
            Issue.record("a camera was opened where there is none")
        } catch {
            #expect(error.code == .camera && error.message.hasPrefix("\(directory.file("video0")): cannot open the camera"))
        }
        let reader = CameraReader(source: SimulatedCamera(directory: directory.file("no-such-frames"), framesPerSecond: 15))
        #expect(throws: ReaderFault(.openFailed, "\(directory.file("no-such-frames")): no such directory of frames")) { try reader.open() }
    }
}

enum QRDecoderTests {
    /// A code in the middle of a 640×480 frame.
    static func frame(_ code: GreyImage) -> GreyImage {
        code.placed(inFrameOf: 640, 480, x: max(0, (640 - code.width) / 2), y: max(0, (480 - code.height) / 2))
    }
}
