import FuzzSupport
import GatehouseCore
import TOMLKit

/// Any text, read by Gatehouse's TOML reader and by toml++ (through TOMLKit, which the reader
/// replaced): both accept or both refuse, and what both accept reads the same. A difference
/// traps, so libFuzzer keeps the input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = FuzzSupport.text(data, size)
    // toml++ stops at a NUL byte it is handed as a C string; compare only what both see.
    guard !text.utf8.contains(0) else { return 0 }
    let ours = try? ConfigValue.parseTOML(text)
    // Deliberate: TOML's whitespace is space and tab; toml++ also takes Unicode's other
    // whitespace (U+FEFF, U+3000 ...) where TOML allows whitespace. Such inputs are only read.
    guard !text.unicodeScalars.contains(where: { $0.value > 0x7F && ($0.properties.isWhitespace || $0.value == 0xFEFF) }) else { return 0 }
    let reference = (try? TOMLTable(string: text)).map(Reference.copy)
    switch (ours, reference) {
    case (nil, nil): break
    case (let ours?, let reference?):
        precondition(Reference.normalized(.table(ours)) == .table(reference), "read differently: ours \(ours), toml++ \(reference)")
    case (nil, _?):
        // Deliberate: a float that overflows to infinity is refused (toml++ takes it as inf).
        precondition(Reference.overflowsFloat(text), "refused by ours, accepted by toml++")
    case (_?, nil): preconditionFailure("accepted by ours, refused by toml++")
    }
    return 0
}

/// toml++'s reading as `ConfigValue`s, date-times and NaN made comparable.
enum Reference {
    static func copy(_ table: TOMLTable) -> [String: ConfigValue] {
        var result: [String: ConfigValue] = [:]
        for (key, value) in table { result[key] = copy(value) }
        return result
    }

    static func copy(_ value: any TOMLValueConvertible) -> ConfigValue {
        switch value.type {
        case .table: .table(value.table.map(copy) ?? [:])
        case .array: .array(value.array.map { $0.map(copy) } ?? [])
        case .string: .string(value.string ?? "")
        case .int: .integer(value.int ?? 0)
        case .double: normalized(.double(value.double ?? 0))
        case .bool: .bool(value.bool ?? false)
        case .date, .time, .dateTime: .dateTime("")
        }
    }

    /// Date-times as present (each reader keeps its own text), NaN as one value.
    static func normalized(_ value: ConfigValue) -> ConfigValue {
        switch value {
        case .table(let table): .table(table.mapValues(normalized))
        case .array(let items): .array(items.map(normalized))
        case .dateTime: .dateTime("")
        case .double(let number) where number.isNaN: .string("nan")
        default: value
        }
    }

    static func overflowsFloat(_ text: String) -> Bool {
        text.split(whereSeparator: { " =,[]{}\n\r\t#".contains($0) }).contains { word in
            let plain = word.filter { $0 != "_" }
            return (plain.contains("e") || plain.contains("E")) && Double(plain).map { !$0.isFinite } == true
        }
    }
}

/// The entry point SwiftPM links as `main`: libFuzzer's driver on this harness.
@_cdecl("fuzz_toml_main")
public func harnessMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    FuzzSupport.run { data, size in fuzz(data ?? UnsafePointer(bitPattern: 1)!, size) }
}
