import GatehouseCore

/// The core's card transport over a libnfc reader: APDUs to the card selected last. A card
/// that stops answering is `removed`; a stop is `aborted`.
public final class NFCCardTransport: CardTransport {
    let device: NFCDevice
    let timeoutMilliseconds: Int32

    public init(device: NFCDevice, timeoutMilliseconds: Int32 = 500) {
        self.device = device
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    public func transmit(_ apdu: [UInt8]) throws(CardFailure) -> [UInt8] {
        do {
            return try device.transceive(apdu, timeoutMilliseconds: timeoutMilliseconds)
        } catch {
            throw CardFailure(error.code == .aborted ? .aborted : .removed, error.message)
        }
    }
}
