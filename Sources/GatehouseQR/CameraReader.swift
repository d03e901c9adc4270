import GatehouseCore
import Synchronization

/// The reader port on a camera: each poll takes the newest frame and decodes it; the first QR
/// code found is what the camera sees. A camera that delivers no frame for two seconds has
/// stopped, and fails like an unplugged reader.
public final class CameraReader: CredentialReaderPort {
    public var connection: String { source.name }
    private let source: any FrameSource
    // The decoder is zbar's scanner, used by the reader's thread only; the lock keeps that so.
    private let decoder: Mutex<QRDecoderBox>
    private let lastFrame = Mutex<ContinuousClock.Instant?>(nil)

    public init(source: any FrameSource, settings: ReaderConfig.CameraSettings = ReaderConfig.CameraSettings()) {
        self.source = source
        let region = settings.region.map { QRDecoder.Region(x: $0[0], y: $0[1], width: $0[2], height: $0[3]) }
        decoder = Mutex(QRDecoderBox(QRDecoder(density: settings.density, region: region)))
    }

    public func open() throws(ReaderFault) {
        do {
            try source.open()
        } catch {
            throw ReaderFault(.openFailed, error.message)
        }
        lastFrame.withLock { $0 = .now }
    }

    public func poll() throws(ReaderFault) -> [UInt8]? {
        let frame: GreyImage?
        do {
            frame = try source.nextFrame(waitingMilliseconds: 200)
        } catch {
            throw ReaderFault(.ioError, error.message)
        }
        guard let frame else {
            let silent = lastFrame.withLock { $0.map { ContinuousClock.now - $0 > .seconds(2) } ?? false }
            if silent { throw ReaderFault(.ioError, "\(connection): no frame for 2 s") }
            return nil
        }
        lastFrame.withLock { $0 = .now }
        return decoder.withLock { $0.decoder.decode(frame).first.map { Array($0.utf8) } }
    }

    /// Waits for frames are bounded, so there is nothing to interrupt.
    public func interrupt() {}

    public func close() {
        source.close()
    }
}

/// Carries zbar's scanner, which is not thread-safe, into a lock: only the holder uses it.
struct QRDecoderBox: @unchecked Sendable {
    let decoder: QRDecoder
    init(_ decoder: QRDecoder) { self.decoder = decoder }
}
