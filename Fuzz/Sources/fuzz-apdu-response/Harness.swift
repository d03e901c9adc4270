import FuzzSupport
import GatehouseCore

/// A card's answers: the door's whole check against a card that replies with the input, cut
/// into responses at each 0xFF 0xFE pair; and the same bytes as a SUN NDEF file.
final class ScriptedCard: CardTransport {
    var responses: [[UInt8]]
    init(_ responses: [[UInt8]]) { self.responses = responses }
    func transmit(_ apdu: [UInt8]) throws(CardFailure) -> [UInt8] {
        guard !responses.isEmpty else { throw CardFailure(.removed, "no more answers") }
        return responses.removeFirst()
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = FuzzSupport.bytes(data, size)
    var responses: [[UInt8]] = [[]]
    var index = 0
    while index < bytes.count {
        if index + 1 < bytes.count, bytes[index] == 0xFF, bytes[index + 1] == 0xFE {
            responses.append([])
            index += 2
        } else {
            responses[responses.count - 1].append(bytes[index])
            index += 1
        }
    }
    let keys = CardKeys(masters: [1: Array(1...16)], site: "acme")
    var random = SystemRandomNumberGenerator()
    for security in [ReaderConfig.CardSecurity.desfire, .desfire(fullFileMode: false), .ntag424(sun: false), .ntag424(sun: true)] {
        let check = CardAuthenticator(security: security, keys: keys, site: "acme").check(uid: [4, 1, 2, 3, 4, 5, 6], sak: 0x20, over: ScriptedCard(responses), random: &random)
        precondition(check.isAuthentic == false || responses.count > 3, "a few scripted bytes never pass for a genuine card")
    }
    _ = SUNMessage.parameters(inFile: bytes)
    _ = CredentialFile.uid(in: bytes)
    return 0
}

/// The entry point SwiftPM links as `main`: libFuzzer's driver on this harness.
@_cdecl("fuzz_apdu_response_main")
public func harnessMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    FuzzSupport.run { data, size in fuzz(data ?? UnsafePointer(bitPattern: 1)!, size) }
}
