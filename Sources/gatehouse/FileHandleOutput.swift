import Foundation

/// Unbuffered writes to the standard streams.
enum FileHandleOutput {
    static func standardError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Whether standard error is a terminal (progress bars) or a file or pipe (progress lines).
    static var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}
