import Foundation
import Testing

@testable import GatehouseCore

@Suite("JSON reader")
struct JSONReaderTests {
    @Test("reads every kind of value")
    func readsValues() throws {
        let value = try JSONReader.parse(#" {"a":[1,-2.5e3,true,false,null],"b":"x\u00e9\n\ud83d\ude00","c":{}} "#)
        guard case .object(let object) = value else { Issue.record("expected an object"); return }
        #expect(object["a"] == .array([.integer(1), .double(-2500), .bool(true), .bool(false), .null]))
        #expect(object["b"] == .string("xé\n😀"))
        #expect(object["c"] == .object(JSONObject()))
    }

    @Test(
        "refuses what RFC 8259 refuses, and duplicate keys",
        arguments: [
            "", "{", "{\"a\":1,}", "[1,]", "01", "1.", ".5", "+1", "\"\\x\"", "\"a\u{01}\"", "{\"a\" 1}", "nul",
            "{\"a\":1}{", "\"\\ud800\"", "{\"a\":1,\"a\":2}", "[1 2]", "'a'", "\"unterminated",
        ])
    func refusesInvalid(_ text: String) {
        #expect(throws: JSONReader.Failure.self) { try JSONReader.parse(text) }
    }

    @Test("refuses invalid UTF-8 inside strings")
    func refusesInvalidUTF8() {
        #expect(throws: JSONReader.Failure.self) { try JSONReader.parse([0x22, 0xC3, 0x28, 0x22]) }
    }

    @Test("agrees with Foundation's parser on generated documents")
    func agreesWithFoundation() throws {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["{", "}", "[", "]", ",", ":", "\"k\"", "\"v\"", "1", "-0.5", "true", "null", " ", "\"\\n\"", "2e3"]
        var disagreements: [String] = []
        for _ in 0..<20000 {
            let text = (0..<Int.random(in: 1...9, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let ours = try? JSONReader.parse(text)
            let foundation = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
            // Foundation takes the last of duplicate keys; this reader refuses them.
            if text.contains("\"k\":") && text.components(separatedBy: "\"k\":").count > 2 { continue }
            // Foundation also accepts a trailing comma (`[1,]`), which RFC 8259 does not.
            if text.range(of: #",\s*[\]}]"#, options: .regularExpression) != nil { continue }
            if (ours != nil) != (foundation != nil) { disagreements.append(text) }
        }
        #expect(disagreements.isEmpty, "disagreements: \(disagreements.prefix(5))")
    }

    @Test("serializes back to the same value")
    func roundTrips() throws {
        let text = #"{"id":"a\"b","n":[1,2.5,null],"o":{"t":true}}"#
        let value = try JSONReader.parse(text)
        #expect(try JSONReader.parse(value.serialized) == value)
    }
}
