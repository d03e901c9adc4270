import Foundation
import GatehouseCore
import Synchronization

/// The camera's simulated twin: it plays the PNG and PGM files of a directory, in name order and
/// round again, at its frame rate; an empty directory gives a plain grey frame. A test or the
/// demo puts a code in front of it by writing an image there and takes it away by deleting it.
public final class SimulatedCamera: FrameSource {
    public let name: String
    private let framesPerSecond: Int
    private let next = Mutex(0)
    private let played = Mutex(0)
    private let nextDue = Mutex(ContinuousClock.now)
    private let isOpen = Mutex(false)

    public init(directory: String, framesPerSecond: Int) {
        name = directory
        self.framesPerSecond = framesPerSecond
    }

    public func open() throws(QRError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: name, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw QRError(.camera, "\(name): no such directory of frames")
        }
        isOpen.withLock { $0 = true }
    }

    public func nextFrame(waitingMilliseconds: Int32) throws(QRError) -> GreyImage? {
        guard isOpen.withLock({ $0 }) else { throw QRError(.camera, "\(name): the camera is not open") }
        // A frame is due every 1/fps seconds; a wait shorter than that may end without one.
        let interval = Duration.milliseconds(1000 / max(1, framesPerSecond))
        let due = nextDue.withLock { $0 }
        let wait = min(max(due - .now, .zero), .milliseconds(Int(waitingMilliseconds)))
        Thread.sleep(forTimeInterval: Double(wait.components.attoseconds) / 1e18 + Double(wait.components.seconds))
        guard ContinuousClock.now >= due else { return nil }
        nextDue.withLock { $0 = max(due + interval, .now) }
        played.withLock { $0 += 1 }
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: name) else {
            throw QRError(.camera, "\(name): the directory of frames is gone")
        }
        let frames = files.filter { $0.hasSuffix(".png") || $0.hasSuffix(".pgm") }.sorted()
        guard !frames.isEmpty else { return GreyImage(width: 320, height: 240, pixels: [UInt8](repeating: 200, count: 320 * 240)) }
        let index = next.withLock { index in
            defer { index += 1 }
            return index % frames.count
        }
        // A frame being written is skipped rather than read half-way.
        return try? GreyImage.read(name + "/" + frames[index])
    }

    /// How many frames it has delivered.
    public var framesPlayed: Int { played.withLock { $0 } }

    public func close() {
        isOpen.withLock { $0 = false }
    }
}
