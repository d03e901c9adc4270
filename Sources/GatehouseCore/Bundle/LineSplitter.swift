/// Splits a byte stream into lines at `\n`, without holding more than one line. A trailing
/// `\r` is dropped; blank lines are skipped; a line longer than the limit is an error.
public struct LineSplitter: Sendable {
    /// A line longer than ``maximumLineLength`` bytes.
    public struct LineTooLong: Error, Sendable, Equatable {
        public var lineNumber: Int
    }

    public let maximumLineLength: Int
    private var pending: [UInt8] = []
    /// The number of the line the next byte belongs to, from 1.
    public private(set) var lineNumber = 1

    public init(maximumLineLength: Int) {
        self.maximumLineLength = maximumLineLength
    }

    /// Feeds bytes; calls `line` with each complete non-blank line and its number.
    public mutating func push(_ bytes: UnsafeRawBufferPointer, line: (UnsafeRawBufferPointer, Int) throws -> Void) throws {
        var start = bytes.startIndex
        while let newline = bytes[start...].firstIndex(of: 0x0A) {
            if pending.isEmpty {
                try emit(UnsafeRawBufferPointer(rebasing: bytes[start..<newline]), line)
            } else {
                pending.append(contentsOf: bytes[start..<newline])
                try checkLength(pending.count)
                let whole = pending
                pending.removeAll(keepingCapacity: true)
                try whole.withUnsafeBytes { try emit($0, line) }
            }
            lineNumber += 1
            start = newline + 1
        }
        pending.append(contentsOf: bytes[start...])
        try checkLength(pending.count)
    }

    /// Ends the stream; a last line without `\n` still counts.
    public mutating func finish(line: (UnsafeRawBufferPointer, Int) throws -> Void) throws {
        guard !pending.isEmpty else { return }
        let whole = pending
        pending.removeAll()
        try whole.withUnsafeBytes { try emit($0, line) }
    }

    private func checkLength(_ count: Int) throws {
        if count > maximumLineLength { throw LineTooLong(lineNumber: lineNumber) }
    }

    private func emit(_ bytes: UnsafeRawBufferPointer, _ line: (UnsafeRawBufferPointer, Int) throws -> Void) throws {
        try checkLength(bytes.count)
        var content = bytes
        if content.last == 0x0D { content = UnsafeRawBufferPointer(rebasing: content.dropLast()) }
        guard !content.isEmpty else { return }
        try line(content, lineNumber)
    }
}
