import CSV
import Foundation
import GatehouseCore

/// Reads the CSV files a staff directory exports: people (an `id` column, and `pin` and
/// `duress_pin` digits, written only as their keyed hashes) or badges (a `uid`, `card` or `code`
/// column with a `person` column). Columns are matched by name, in any order and case.
/// Every bad row is reported with its file and line; nothing is produced from a file with any.
public struct CSVImporter {
    /// What kind of file the header says this is.
    public enum FileKind: String, Sendable { case people, badges }

    public let site: String
    /// Whether columns the importer does not know are ignored rather than refused.
    public let allowUnknownColumns: Bool

    /// The columns each kind of file may have.
    static let columns: [FileKind: Set<String>] = [
        .people: ["id", "kind", "status", "roles", "valid_from", "valid_until", "label", "name", "pin", "duress_pin"],
        .badges: ["person", "uid", "card", "code", "id", "status", "valid_from", "valid_until"],
    ]

    /// The site's PIN key, for `pin` and `duress_pin` columns; nil: such columns are refused.
    public let pinKey: PINKey?

    public init(site: String, allowUnknownColumns: Bool = false, pinKey: PINKey? = nil) {
        self.site = site
        self.allowUnknownColumns = allowUnknownColumns
        self.pinKey = pinKey
    }

    /// Reads `path`, calling `emit` with each record's NDJSON line and the file's line it came
    /// from. Problems are appended to `problems` as `file:line: message`.
    public func read(_ path: String, problems: inout [String], emit: (String, Int) throws -> Void) throws {
        // The whole file is read first: on Linux, Foundation's InputStream answers -1 to a read
        // at its end, which CSV.swift's stream reader reports as an error. Staff exports are
        // small; JSON Lines inputs stream.
        // An empty file is read as empty without Foundation: its contents(atPath:) leaks a
        // buffer for one (found by Fuzz/fuzz-csv, docs/reliability.md).
        let empty = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue == 0
        guard let data = empty ? Data() : FileManager.default.contents(atPath: path) else {
            problems.append("\(path): cannot read the file")
            return
        }
        guard var text = String(data: data, encoding: .utf8) else {
            problems.append("\(path): the file is not UTF-8 text")
            return
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: true, trimFields: true)
        } catch {
            problems.append("\(path):1: cannot read the header row: \(error)")
            return
        }
        let header = (reader.headerRow ?? []).map { $0.trimmingWhitespace().lowercased() }
        guard let kind = Self.kind(of: header) else {
            problems.append("\(path):1: the header names neither people (an `id` column) nor badges (`uid` or `code`, and `person`); it has: \(header.joined(separator: ", "))")
            return
        }
        let known = Self.columns[kind] ?? []
        let unknown = header.filter { !known.contains($0) }
        if !unknown.isEmpty && !allowUnknownColumns {
            problems.append(
                "\(path):1: unknown column\(unknown.count == 1 ? "" : "s") \(unknown.joined(separator: ", ")) in a \(kind.rawValue) file; "
                    + "its columns: \(known.sorted().joined(separator: ", ")) (give --allow-unknown-fields to ignore the others)")
            return
        }
        var line = 2 + (reader.headerRow ?? []).reduce(0) { $0 + $1.newlineCount }
        while let row = reader.next() {
            let rowLine = line
            line += 1 + row.reduce(0) { $0 + $1.newlineCount }
            if row.allSatisfy({ $0.isEmpty }) { continue }
            guard row.count == header.count else {
                problems.append("\(path):\(rowLine): \(row.count) field\(row.count == 1 ? "" : "s") where the header has \(header.count) (\(header.joined(separator: ", "))); a missing or extra comma shifts every column after it")
                continue
            }
            var fields: [String: String] = [:]
            for (index, name) in header.enumerated() where index < row.count && !row[index].isEmpty {
                fields[name] = row[index]
            }
            do {
                switch kind {
                case .people: try emit(try person(fields), rowLine)
                case .badges: try emit(try badge(fields), rowLine)
                }
            } catch let problem as CSVRowProblem {
                problems.append("\(path):\(rowLine): \(problem.message)")
            }
        }
        if let error = reader.error {
            problems.append("\(path):\(line): CSV syntax: \(error)")
        }
    }

    static func kind(of header: [String]) -> FileKind? {
        if header.contains("person") && (header.contains("uid") || header.contains("card") || header.contains("code")) { return .badges }
        if header.contains("id") { return .people }
        return nil
    }

    private func person(_ fields: [String: String]) throws -> String {
        let id = try requiredID(fields, "id")
        let kind = try choice(fields, "kind", default: Person.Kind.employee)
        let status = try choice(fields, "status", default: Person.Status.active)
        let roles = (fields["roles"] ?? "").split(whereSeparator: { ";| ,".contains($0) }).map(String.init)
        if let bad = roles.first(where: { !Identifier.isValid($0) }) {
            throw CSVRowProblem(message: "roles: \"\(bad)\" is not a valid role id")
        }
        let pin = try pinHash(fields, "pin", person: id), duress = try pinHash(fields, "duress_pin", person: id)
        if pin != nil, pin == duress { throw CSVRowProblem(message: "duress_pin is the same as pin; a duress PIN must differ") }
        let person = Person(
            id: id, kind: kind, roles: roles, status: status, validFrom: try time(fields, "valid_from", endOfDay: false),
            validUntil: try time(fields, "valid_until", endOfDay: true), label: fields["label"] ?? fields["name"], pin: pin, duressPin: duress)
        if let from = person.validFrom, let until = person.validUntil, until < from {
            throw CSVRowProblem(message: "valid_until is before valid_from")
        }
        return BundleOperation.putLine(type: .person, id: id, members: person.wireMembers)
    }

    private func badge(_ fields: [String: String]) throws -> String {
        let person = try requiredID(fields, "person")
        let format: Credential.Format
        let value: String
        if let raw = fields["uid"] {
            guard let uid = BadgeUID.normalize(raw) else {
                throw CSVRowProblem(message: "uid: \"\(raw)\" is not a badge UID (hex bytes, 4 to 20 of them, separators allowed)")
            }
            (format, value) = (.uid, uid)
        } else if let raw = fields["card"] {
            guard let card = CardNumber.normalize(raw) else {
                throw CSVRowProblem(message: "card: \"\(raw)\" is not a card number (FACILITY:NUMBER or NUMBER in decimal, or raw:BITS:HEX)")
            }
            (format, value) = (.card, card)
        } else if let code = fields["code"] {
            (format, value) = (.code, code)
        } else {
            throw CSVRowProblem(message: "uid, card or code is required")
        }
        // The id never contains the raw value: ids appear in events, values must not.
        let id = try fields["id"] == nil ? "badge-" + CredentialFingerprint.of(site: site, value: value) : requiredID(fields, "id")
        let credential = Credential(
            id: id, person: person, format: format, value: value, status: try choice(fields, "status", default: Credential.Status.active),
            validFrom: try time(fields, "valid_from", endOfDay: false), validUntil: try time(fields, "valid_until", endOfDay: true))
        return BundleOperation.putLine(type: .credential, id: id, members: credential.wireMembers)
    }

    /// A PIN column's digits as their keyed hash (contract 7.2); the digits go no further, and
    /// no problem quotes them.
    private func pinHash(_ fields: [String: String], _ name: String, person: String) throws -> String? {
        guard let digits = fields[name] else { return nil }
        guard let pinKey else {
            throw CSVRowProblem(message: "\(name): PINs are written only as hashes under the site's PIN key: give --pin-key SECRETS (made by `gatehouse keys generate-pin-key`)")
        }
        guard PINSettings.digits.contains(digits.count), digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw CSVRowProblem(message: "\(name): expected \(PINSettings.digits.lowerBound) to \(PINSettings.digits.upperBound) digits")
        }
        return pinKey.hash(site: site, person: person, digits: digits)
    }

    private func requiredID(_ fields: [String: String], _ name: String) throws -> String {
        guard let text = fields[name] else { throw CSVRowProblem(message: "\(name) is required") }
        guard Identifier.isValid(text) else {
            throw CSVRowProblem(message: "\(name): \"\(text)\" is not an id (1 to 64 characters from [A-Za-z0-9._:-])")
        }
        return text
    }

    private func choice<Value>(_ fields: [String: String], _ name: String, default fallback: Value) throws -> Value
    where Value: RawRepresentable & CaseIterable, Value.RawValue == String {
        guard let text = fields[name] else { return fallback }
        guard let value = Value(rawValue: text.lowercased()) else {
            throw CSVRowProblem(message: "\(name): expected one of \(Value.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(text)\"")
        }
        return value
    }

    /// An RFC 3339 time, or a date (`2027-01-31`): the start of that day (UTC) for a start, its
    /// last millisecond for an end.
    private func time(_ fields: [String: String], _ name: String, endOfDay: Bool) throws -> Timestamp? {
        guard let text = fields[name] else { return nil }
        if let time = Timestamp(rfc3339: text) { return time }
        if text.utf8.count == 10, let day = Timestamp(rfc3339: text + "T00:00:00Z") {
            return endOfDay ? day.adding(seconds: 86_400).addingMilliseconds(-1) : day
        }
        throw CSVRowProblem(message: "\(name): expected a date (2027-01-31) or an RFC 3339 time, got \"\(text)\"")
    }
}

private struct CSVRowProblem: Error {
    var message: String
}

extension String {
    fileprivate var newlineCount: Int { utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }
}

extension Timestamp {
    fileprivate func addingMilliseconds(_ milliseconds: Int64) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: millisecondsSinceEpoch + milliseconds)
    }
}
