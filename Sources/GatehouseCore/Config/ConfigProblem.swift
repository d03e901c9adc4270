/// One thing wrong with a configuration file: where, and what was expected.
public struct ConfigProblem: Sendable, Equatable, CustomStringConvertible {
    /// The file, as the user named it.
    public var file: String
    /// The dotted key (`readers.gate-in.door`), or empty for the file as a whole.
    public var key: String
    /// What is wrong and what was expected.
    public var message: String
    /// The line, where the TOML parser gives one.
    public var line: Int?

    public init(file: String, key: String, message: String, line: Int? = nil) {
        self.file = file
        self.key = key
        self.message = message
        self.line = line
    }

    public var description: String {
        let place = line.map { "\(file):\($0)" } ?? file
        return key.isEmpty ? "\(place): \(message)" : "\(place): \(key): \(message)"
    }
}

/// A configuration that cannot be used, with every problem found in it.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [ConfigProblem]

    public init(problems: [ConfigProblem]) {
        self.problems = problems
    }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
