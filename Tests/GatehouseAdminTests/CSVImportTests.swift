import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseTesting
import Testing

@Suite("Staff-directory CSV import")
struct CSVImportTests {
    let directory = TemporaryDirectory("gatehouse-csv")

    func read(_ name: String, _ text: String) throws -> (records: [BundleOperation], problems: [String]) {
        let path = directory.write(name, text)
        var problems: [String] = []
        var lines: [String] = []
        try CSVImporter(site: "acme").read(path, problems: &problems) { line, _ in lines.append(line) }
        let records = try lines.map { try BundleOperation.decode(line: Array($0.utf8), isKnownTimeZone: { _ in true }) }
        return (records, problems)
    }

    @Test("an empty file (fuzz-csv's input, which leaked through Foundation) is refused with its header problem, nothing imported")
    func emptyFile() throws {
        let (records, problems) = try read("empty.csv", "")
        #expect(records.isEmpty)
        #expect(problems.count == 1 && problems[0].contains("empty.csv:1"), "\(problems)")
    }

    @Test("reads people with a byte-order mark, quoted fields, blank lines and CRLF")
    func people() throws {
        let text = "\u{FEFF}ID,Name,Kind,Roles,Valid_Until\r\np-1,\"Smith, Anna\",employee,guard;responder,2027-12-31\r\n\r\np-2,\"O\"\"Brien\",Contractor,,\r\n"
        let (records, problems) = try read("people.csv", text)
        #expect(problems.isEmpty, "\(problems)")
        #expect(records.count == 2)
        guard case .put(.person(let anna)) = records[0], case .put(.person(let brien)) = records[1] else {
            Issue.record("expected two people")
            return
        }
        #expect(anna.label == "Smith, Anna" && anna.roles == ["guard", "responder"])
        #expect(anna.validUntil == Timestamp(rfc3339: "2027-12-31T23:59:59.999Z"))
        #expect(brien.label == "O\"Brien" && brien.kind == .contractor)
    }

    @Test("normalises badge UIDs: lowercase hex with colons, leading zeros kept")
    func badges() throws {
        let text = "uid,person\n04:a2:b3:c4:d5:e6:f7,p-1\n00-0a-0b-0c,p-2\n 0x00000001 ,p-3\n"
        let (records, problems) = try read("badges.csv", text)
        #expect(problems.isEmpty, "\(problems)")
        let values = records.compactMap { operation -> String? in
            if case .put(.credential(let credential)) = operation { return credential.value }
            return nil
        }
        #expect(values == ["04A2B3C4D5E6F7", "000A0B0C", "00000001"])
    }

    @Test("derives badge ids that do not contain the raw UID")
    func badgeIDs() throws {
        let (records, _) = try read("badges.csv", "uid,person\n04A2B3C4,p-1\n")
        guard case .put(.credential(let credential)) = records.first else {
            Issue.record("no credential")
            return
        }
        #expect(credential.id == "badge-" + CredentialFingerprint.of(site: "acme", value: "04A2B3C4"))
        #expect(!credential.id.contains("04A2B3C4"))
    }

    @Test("reports every bad row with its file and line, counting lines inside quoted fields")
    func badRows() throws {
        let text = "id,name,kind\np-1,\"two\nlines\",employee\np 2,Bad Id,employee\np-3,Bob,alien\n\np-5,Eve,employee\n"
        let (_, problems) = try read("people.csv", text)
        let path = directory.file("people.csv")
        #expect(problems == [
            "\(path):4: id: \"p 2\" is not an id (1 to 64 characters from [A-Za-z0-9._:-])",
            "\(path):5: kind: expected one of employee, contractor, visitor, delivery, got \"alien\"",
        ])
    }

    @Test("refuses a badge that is not hex, and a header it cannot place")
    func refusals() throws {
        let badges = try read("badges.csv", "uid,person\nZZ:12,p-1\n")
        #expect(badges.problems.first?.contains(":2: uid: \"ZZ:12\" is not a badge UID") == true)
        let unknown = try read("other.csv", "name,email\nAnna,a@example.com\n")
        #expect(unknown.problems.first?.contains(":1: the header names neither people") == true)
    }
}
