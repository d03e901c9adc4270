import Crypto

extension TrustSet {
    /// The keys this set shares with `other`, by `kid` or by the public key itself (the same key
    /// under another id), each described for a person: `"acme-invite-1"`, or
    /// `"acme-invite-1" (the key of "ops-1")`. A key trusted for two purposes would let whoever
    /// holds it for one act for the other (protocol section 1).
    public func sharedKeys(with other: TrustSet) -> [String] {
        var shared: [String] = []
        for kid in keyIDs {
            guard let key = keys[kid] else { continue }
            if other.keys[kid] != nil {
                shared.append("\"\(kid)\"")
            } else if let twin = other.keyIDs.first(where: { other.keys[$0]?.rawRepresentation == key.rawRepresentation }) {
                shared.append("\"\(kid)\" (the key of \"\(twin)\")")
            }
        }
        return shared
    }
}
