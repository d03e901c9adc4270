import Foundation
import GatehouseCore

/// What `bundle build` has put so far, by record and by badge, so that a second record with one
/// id, or a badge given to a second person, is refused with both places: a device would
/// otherwise take the last one, and one person's badge would open doors as another's.
struct DuplicateRecords {
    private var places: [String: String] = [:]
    /// Each credential's place and person, by its format and value.
    private var badges: [String: (place: String, id: String, person: String)] = [:]

    /// Notes the record of `line`, found at `place` (`file:line`); the problem when it repeats
    /// one noted before. A badge's value is never printed, only where it stands and whose it is.
    mutating func note(_ record: PolicyRecord, at place: String) -> String? {
        if case .credential(let credential) = record {
            let badge = "\(credential.format.rawValue):\(credential.value)"
            if let first = badges[badge] {
                return "\(place): the same \(credential.format.rawValue) as \(first.place) (credential \"\(first.id)\" of person \"\(first.person)\"), "
                    + "here credential \"\(credential.id)\" of person \"\(credential.person)\"; a badge belongs to one person"
            }
            badges[badge] = (place, credential.id, credential.person)
        }
        let key = "\(record.type.rawValue) \(record.id)"
        if let first = places[key] {
            return "\(place): \(record.type.rawValue) \"\(record.id)\" again, first at \(first); each id stands once"
        }
        places[key] = place
        return nil
    }
}
