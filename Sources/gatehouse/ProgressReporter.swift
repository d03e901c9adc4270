import Foundation
import GatehouseStore

/// Shows a bundle's progress on standard error: a bar on a terminal, a line every tenth
/// otherwise (so that logs and tests see it too).
final class ProgressReporter {
    private let label: String
    private var lastTenth = -1

    init(label: String) {
        self.label = label
    }

    func update(_ progress: BundleProgress) {
        guard let total = progress.totalBytes, total >= 1_000_000 else { return }
        let fraction = min(1, Double(progress.bytesRead) / Double(total))
        let megabytes = { (bytes: Int64) in String(format: "%.1f MB", Double(bytes) / 1_000_000) }
        let figures = "\(megabytes(progress.bytesRead))/\(megabytes(total)), \(progress.records) records"
        if FileHandleOutput.standardErrorIsTerminal {
            let filled = Int(fraction * 30)
            let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: 30 - filled)
            FileHandleOutput.standardError("\r\(label) [\(bar)] \(Int(fraction * 100))%  \(figures)")
            if fraction >= 1 { FileHandleOutput.standardError("\n") }
        } else {
            let tenth = Int(fraction * 10)
            guard tenth > lastTenth else { return }
            lastTenth = tenth
            FileHandleOutput.standardError("\(label): \(tenth * 10)% (\(figures))\n")
        }
    }
}
