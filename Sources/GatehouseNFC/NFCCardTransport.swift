import GatehouseCore

/// The core's card transport over a libnfc reader: APDUs to the card selected last. A card
/// that stops answering is `removed`; a stop is `aborted`.
final class NFCCardTransport: CardTransport {
    let device: NFCDevice
    let timeoutMilliseconds: Int32

    init(device: NFCDevice, timeoutMilliseconds: Int32) {
        self.device = device
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    func transmit(_ apdu: [UInt8]) throws(CardFailure) -> [UInt8] {
        do {
            return try device.transceive(apdu, timeoutMilliseconds: timeoutMilliseconds)
        } catch {
            throw CardFailure(error.code == .aborted ? .aborted : .removed, error.message)
        }
    }
}
