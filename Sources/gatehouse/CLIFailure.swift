import ArgumentParser

/// A failure the CLI reports: the message goes to standard error, the code becomes the exit
/// status (1: refused or invalid input; 2: the environment failed).
struct CLIFailure: Error, CustomStringConvertible {
    var message: String
    var exitCode: ExitCode

    static func refused(_ message: String) -> CLIFailure { CLIFailure(message: message, exitCode: ExitCode(1)) }
    static func environment(_ message: String) -> CLIFailure { CLIFailure(message: message, exitCode: ExitCode(2)) }

    var description: String { message }
}



/// Writes a failure's message and exits with its code, instead of ArgumentParser's usage text.
func failing<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let failure as CLIFailure {
        printError("gatehouse: \(failure.message)")
        throw failure.exitCode
    }
}

func printError(_ text: String) {
    var standardError = StandardError()
    print(text, to: &standardError)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandleOutput.standardError(string)
    }
}
