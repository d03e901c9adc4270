import CZBar
import Foundation
import GatehouseCore

#if canImport(Glibc)
import Glibc
#endif

/// A V4L2 camera (`/dev/video0`) through zbar's video API, which negotiates a format the
/// camera has and converts its frames to greyscale.
// `video` is used by the one reader thread that opens, reads and closes the camera, and by
// deinit after it; no other thread touches it. That is what makes sharing the object safe.
public final class V4L2Camera: FrameSource, @unchecked Sendable {
    public let name: String
    private let width: Int
    private let height: Int
    private let framesPerSecond: Int
    /// Owned while open: made by zbar_video_create in open(), freed by zbar_video_destroy in close().
    private var video: OpaquePointer?

    public init(device: String, width: Int, height: Int, framesPerSecond: Int) {
        name = device
        self.width = width
        self.height = height
        self.framesPerSecond = framesPerSecond
    }

    deinit {
        close()
    }

    public func open() throws(QRError) {
        close()
        guard let handle = zbar_video_create() else { throw QRError(.camera, "\(name): zbar could not make a video object") }
        zbar_video_request_size(handle, UInt32(width), UInt32(height))
        guard zbar_video_open(handle, name) == 0, zbar_video_init(handle, gatehouse_zbar_format_y800()) == 0, setFrameRate(handle),
            zbar_video_enable(handle, 1) == 0
        else {
            let reason = Self.errorText(handle)
            zbar_video_destroy(handle)
            throw QRError(.camera, "\(name): cannot open the camera: \(reason)")
        }
        video = handle
    }

    public func nextFrame(waitingMilliseconds: Int32) throws(QRError) -> GreyImage? {
        guard let handle = video else { throw QRError(.camera, "\(name): the camera is not open") }
        let descriptor = zbar_video_get_fd(handle)
        guard Self.readable(descriptor, waitingMilliseconds) else { return nil }
        var newest: OpaquePointer?
        // Every frame already waiting is taken and all but the newest dropped, so a slow decoder
        // always sees the present, never a queue of the past.
        repeat {
            guard let image = zbar_video_next_image(handle) else {
                if let newest { zbar_image_destroy(newest) }
                throw QRError(.camera, "\(name): the camera stopped delivering frames: \(Self.errorText(handle))")
            }
            if let newest { zbar_image_destroy(newest) }
            newest = image
        } while Self.readable(descriptor, 0)
        guard let newest else { return nil }
        // The frame belongs to zbar; its grey pixels are copied out and it is handed back.
        defer { zbar_image_destroy(newest) }
        guard let converted = zbar_image_convert(newest, gatehouse_zbar_format_y800()) else { return nil }
        defer { zbar_image_destroy(converted) }
        let frameWidth = Int(zbar_image_get_width(converted)), frameHeight = Int(zbar_image_get_height(converted))
        guard let data = zbar_image_get_data(converted), Int(zbar_image_get_data_length(converted)) >= frameWidth * frameHeight else { return nil }
        let pixels = Array(UnsafeRawBufferPointer(start: data, count: frameWidth * frameHeight))
        return GreyImage(width: frameWidth, height: frameHeight, pixels: pixels)
    }

    public func close() {
        guard let handle = video else { return }
        video = nil
        zbar_video_enable(handle, 0)
        zbar_video_destroy(handle)
    }

    /// Asks the camera for `framesPerSecond` before streaming starts. A camera that cannot set
    /// its rate keeps its own; that is no reason to refuse it, so this always lets open go on.
    private func setFrameRate(_ handle: OpaquePointer) -> Bool {
        let descriptor = zbar_video_get_fd(handle)
        guard descriptor >= 0 else { return true }
        var parameters = v4l2_streamparm()
        parameters.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        parameters.parm.capture.timeperframe = v4l2_fract(numerator: 1, denominator: UInt32(framesPerSecond))
        _ = ioctl(descriptor, UInt(gatehouse_vidioc_s_parm()), &parameters)
        return true
    }

    private static func readable(_ descriptor: Int32, _ milliseconds: Int32) -> Bool {
        guard descriptor >= 0 else { return true }  // a video interface without a descriptor blocks in next_image instead
        var waiting = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&waiting, 1, milliseconds) > 0
    }

    private static func errorText(_ handle: OpaquePointer) -> String {
        // zbar keeps the text in the video object; it is copied out before the object goes.
        zbar_video_error_string(handle, 0).map { String(cString: $0) }?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown error"
    }
}
