import Foundation

/// Runs the built `gatehouse` executable, for end-to-end tests.
public enum GatehouseBinary {
    /// The executable next to the running test binary (SwiftPM builds both into one directory).
    public static var path: String {
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = runner.deletingLastPathComponent()
        // On Linux the runner is `.build/debug/<Package>PackageTests.xctest`, a file.
        while !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("gatehouse").path), directory.path != "/" {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("gatehouse").path
    }

    /// The result of one run.
    public struct Output: Sendable {
        public var status: Int32
        public var standardOutput: String
        public var standardError: String
    }

    /// Runs `gatehouse` with `arguments` to completion.
    public static func run(_ arguments: [String], in directory: String? = nil) throws -> Output {
        try Subprocess.run(path, arguments, in: directory)
    }
}
