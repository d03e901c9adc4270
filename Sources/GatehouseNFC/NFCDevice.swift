import CNFC
import GatehouseCore
import Synchronization

/// One open NFC reader, initialised as an ISO 14443A initiator.
///
/// Every call but ``interrupt()`` blocks on the reader and belongs on the reader's own thread.
/// ``interrupt()`` may come from any thread: it interrupts a command waiting for the reader's
/// answer, and the command then fails with `nfc.aborted`.
// `pointer` is used by the reader's thread for commands, and by other threads only through
// interrupt() and close(), which take `lifetime`'s lock, so nfc_abort_command never meets a device
// that nfc_close has freed. libnfc's abort is meant to be called from another thread.
public final class NFCDevice: @unchecked Sendable {
    /// The connection string the device was opened with.
    public let connection: String
    /// Keeps the library context alive for as long as the device is open.
    private let context: NFCContext
    /// Owned: opened by nfc_open, freed by nfc_close in close() or deinit.
    private let pointer: OpaquePointer
    private let lifetime = Mutex(false)

    /// Opens the reader named by a libnfc connection string (`pn532_uart:/dev/ttyUSB0`,
    /// `acr122_usb:001:004`), makes it an initiator and sets it up for fast polling: one
    /// activation attempt per select instead of libnfc's endless one, commands answered within
    /// `commandTimeoutMilliseconds`.
    public init(context: NFCContext, connection: String, commandTimeoutMilliseconds: Int32 = 500) throws(NFCError) {
        guard let device = nfc_open(context.pointer, connection) else {
            throw NFCError(.open, "\(connection): no reader answered: \(NFCDiagnosis().explain(connection))")
        }
        self.connection = connection
        self.context = context
        pointer = device
        try check(nfc_initiator_init(pointer), "initialising it as a reader", code: .open)
        try check(nfc_device_set_property_int(pointer, NP_TIMEOUT_COMMAND, commandTimeoutMilliseconds), "setting the command timeout", code: .open)
        try check(nfc_device_set_property_bool(pointer, NP_INFINITE_SELECT, false), "limiting activation to one attempt", code: .open)
    }

    deinit {
        close()
    }

    /// The reader's name as libnfc reports it (`pn532_uart:/dev/ttyUSB0`), copied out.
    public var name: String {
        String(cString: nfc_device_get_name(pointer))
    }

    /// Looks once for an ISO 14443A card at 106 kbps: its UID and activation answers, or nil
    /// when no card is in the field.
    public func selectCard() throws(NFCError) -> NFCCard? {
        var target = nfc_target()
        let modulation = nfc_modulation(nmt: NMT_ISO14443A, nbr: NBR_106)
        let found = nfc_initiator_select_passive_target(pointer, modulation, nil, 0, &target)
        try check(found, "selecting a card", code: .io)
        guard found > 0 else { return nil }
        // Copied out of libnfc's target structure before it goes out of scope.
        let info = target.nti.nai
        let uid = withUnsafeBytes(of: info.abtUid) { Array($0.prefix(min(info.szUidLen, 10))) }
        return NFCCard(uid: uid, atqa: [info.abtAtqa.0, info.abtAtqa.1], sak: info.btSak)
    }

    /// Sends `bytes` to the selected ISO 14443-4 card and returns its answer, copied out. The
    /// reader frames it (libnfc's easy framing: the PN53x's InDataExchange, with its automatic
    /// RATS at select, block chaining and more-information frames). A card gone from the field
    /// fails with `nfc.io`; a stop with `nfc.aborted`.
    public func transceive(_ bytes: [UInt8], timeoutMilliseconds: Int32 = 500) throws(NFCError) -> [UInt8] {
        var answer = [UInt8](repeating: 0, count: 512)
        let count = bytes.withUnsafeBufferPointer { tx in
            answer.withUnsafeMutableBufferPointer { rx in
                nfc_initiator_transceive_bytes(pointer, tx.baseAddress, tx.count, rx.baseAddress, rx.count, timeoutMilliseconds)
            }
        }
        try check(count, "exchanging with the card", code: .io)
        return Array(answer.prefix(Int(count)))
    }

    /// Switches the RF field off and on again, so that every card in it starts over and answers
    /// the next select, also one that was selected before.
    public func resetField() throws(NFCError) {
        try check(nfc_device_set_property_bool(pointer, NP_ACTIVATE_FIELD, false), "switching the field off", code: .io)
        try check(nfc_device_set_property_bool(pointer, NP_ACTIVATE_FIELD, true), "switching the field on", code: .io)
    }

    /// Interrupts the command in progress, from any thread. Safe after ``close()``.
    public func interrupt() {
        lifetime.withLock { closed in
            if !closed { _ = nfc_abort_command(pointer) }
        }
    }

    /// Switches the field off and releases the device; later calls fail. Idempotent.
    public func close() {
        lifetime.withLock { closed in
            guard !closed else { return }
            closed = true
            nfc_close(pointer)
        }
    }

    private func check(_ result: Int32, _ doing: String, code: ErrorCode<NFCErrors>) throws(NFCError) {
        guard result < 0 else { return }
        // nfc_strerror returns a static string owned by libnfc; it is copied, never freed.
        let reason = String(cString: nfc_strerror(pointer))
        throw NFCError(result == NFC_EOPABORTED ? .aborted : code, "\(connection): \(doing): \(reason)")
    }
}
