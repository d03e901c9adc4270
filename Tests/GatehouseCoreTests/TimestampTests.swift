import Foundation
import Testing

@testable import GatehouseCore

@Suite("RFC 3339 timestamps")
struct TimestampTests {
    @Test("parses the forms RFC 3339 allows and agrees with Foundation")
    func parses() throws {
        let cases = [
            "2026-11-21T08:15:30.123Z", "2026-11-21T08:15:30Z", "2026-11-21t08:15:30z", "2026-11-21T10:15:30+02:00",
            "2024-02-29T23:59:59.999-05:30", "1970-01-01T00:00:00Z", "2099-12-31T23:59:59.5Z",
        ]
        let foundation = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        for text in cases {
            let ours = try #require(Timestamp(rfc3339: text), "\(text)")
            let normalized = text.replacingOccurrences(of: "t", with: "T").replacingOccurrences(of: "z", with: "Z")
            let withFraction = normalized.contains(".") ? normalized : normalized.replacingOccurrences(of: ":30Z", with: ":30.000Z")
                .replacingOccurrences(of: ":00Z", with: ":00.000Z").replacingOccurrences(of: ":30+", with: ":30.000+")
            if let reference = try? foundation.parse(withFraction) {
                #expect(ours.millisecondsSinceEpoch == Int64((reference.timeIntervalSince1970 * 1000).rounded()), "\(text)")
            }
        }
        #expect(Timestamp(rfc3339: "2026-11-21T10:15:30+02:00") == Timestamp(rfc3339: "2026-11-21T08:15:30Z"))
    }

    @Test("refuses what is not RFC 3339", arguments: ["2026-11-21", "2026-11-21T08:15Z", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-21T08:15:30", "2026-11-21 08:15:30Z", "2026-11-21T08:15:30.Z", "2026-11-21T24:00:00Z", "x"])
    func refuses(_ text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    @Test("formats in UTC with milliseconds, as the contract writes times")
    func formats() {
        #expect(Timestamp(millisecondsSinceEpoch: 1_795_248_930_123).rfc3339 == "2026-11-21T08:15:30.123Z")
        #expect(Timestamp(millisecondsSinceEpoch: -1).rfc3339 == "1969-12-31T23:59:59.999Z")
        for millis in stride(from: Int64(-5_000_000_000_000), to: 5_000_000_000_000, by: 123_456_789_011) {
            let time = Timestamp(millisecondsSinceEpoch: millis)
            #expect(Timestamp(rfc3339: time.rfc3339) == time)
        }
    }
}
