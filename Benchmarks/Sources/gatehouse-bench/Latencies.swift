/// Measured durations, sorted, read out as quantiles in microseconds.
struct Latencies {
    private let sorted: [Duration]

    init(_ durations: [Duration]) {
        sorted = durations.sorted()
    }

    func microseconds(_ quantile: Double) -> Double {
        let duration = sorted[min(sorted.count - 1, Int(Double(sorted.count) * quantile))]
        return Double(duration.components.attoseconds) / 1e12 + Double(duration.components.seconds) * 1e6
    }
}
