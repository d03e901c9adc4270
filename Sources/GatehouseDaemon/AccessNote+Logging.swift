import GatehouseCore
import Logging

extension Logger.Level {
    /// The log level of a core machine's note.
    init(_ level: AccessNote.Level) {
        switch level {
        case .debug: self = .debug
        case .info: self = .info
        case .notice: self = .notice
        case .warning: self = .warning
        case .error: self = .error
        }
    }
}
