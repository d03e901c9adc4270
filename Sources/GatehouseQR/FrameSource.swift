/// Where a camera reader's frames come from: a V4L2 camera through zbar's video API, or the
/// simulated camera that plays image files. Calls block and belong on the reader's own thread.
public protocol FrameSource: AnyObject, Sendable {
    /// The device path, or the simulated camera's directory.
    var name: String { get }
    /// Opens the camera and starts streaming.
    func open() throws(QRError)
    /// The newest frame, waiting up to `waitingMilliseconds` for one; older frames that arrived
    /// meanwhile are dropped, never queued. Nil when none came in time.
    func nextFrame(waitingMilliseconds: Int32) throws(QRError) -> GreyImage?
    /// Stops streaming and releases the camera; ``open()`` may follow.
    func close()
}
