import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A TCP port on 127.0.0.1 that takes connections and never says a word: the kernel completes
/// each handshake into the listen backlog and nobody reads. What a client sees of a broker that
/// does not understand its CONNECT, or of a port that is not a broker's.
public final class SilentListener: Sendable {
    public let port: Int
    private let descriptor: Int32

    public init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard let port = Loopback.bind(descriptor, listening: true) else {
            close(descriptor)
            throw TestingError("cannot listen on 127.0.0.1: \(String(cString: strerror(errno)))")
        }
        self.descriptor = descriptor
        self.port = port
    }

    deinit { close(descriptor) }
}
