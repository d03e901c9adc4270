import GatehouseCore
import GatehouseStore
import GatehouseThreads
import Logging

extension MQTTLink {
    /// A message on a subscribed topic: a bundle for the bundle thread, or a command.
    func receive(topic: String, payload: [UInt8]) {
        switch topics.classify(topic) {
        case .bundle(let siteWide):
            // An empty retained message clears the site's bundle topic: nothing to apply.
            guard !payload.isEmpty else { return }
            let label = siteWide ? "site topic" : "device topic"
            let job = BundleWorker.Job(source: .bytes(payload), origin: .mqtt, label: label) { [inputs] report in _ = inputs.offer(.bundleDone(report)) }
            if !bundles.submit(job) {
                logger.error("bundle dropped: four are already waiting to be applied", metadata: ["bundle.from": "\(label)", "bundle.bytes": "\(payload.count)"])
            }
        case .command(let name, _):
            command(name: name, token: String(decoding: payload, as: UTF8.self))
        case .siteEmergency(let device):
            switch RemoteMuster.parse(payload, site: topics.site, device: device) {
            case .success(let muster?):
                controller.remoteMustered(muster)
            case .success(nil):
                break  // its muster list or mode change: nothing to count
            case .failure(.malformed(let why)):
                logger.notice("emergency event of another device ignored", metadata: ["mqtt.topic": "\(topic)", "muster.reason": "malformed", "muster.detail": "\(why)"])
            }
        case nil:
            logger.debug("message on an unexpected topic ignored", metadata: ["mqtt.topic": "\(topic)"])
        }
    }

    private func command(name: String, token: String) {
        let settings = currentSettings
        let time = clock.wall()
        let command: RemoteCommand
        switch settings.check.verify(token, topicName: name, trust: settings.commandKeys, now: time) {
        case .failure(let refusal):
            refuse(refusal, name: name)
            return
        case .success(let verified):
            command = verified
        }
        do {
            let keepUntil = command.expires.adding(seconds: settings.clockSkewSeconds)
            guard try replayMemory.remember(command.id, keepUntil: keepUntil, now: time) else {
                refuse(CommandRefusal(.replayed, "this jti was already received", id: command.id), name: name)
                return
            }
        } catch {
            logger.error("command not carried out: the replay memory cannot be written", metadata: ["command.id": "\(command.id)", "error": "\(error.message)"])
            ack(.cmd, id: .string(command.id), result: .rejected, reason: Self.deviceError)
            return
        }
        logger.info("command accepted", metadata: ["command.id": "\(command.id)", "command.name": "\(command.name)", "command.by": "\(command.orderedBy)"])
        switch command.action {
        case .ping:
            ack(.cmd, id: .string(command.id), result: .applied, reason: nil)
        case .resync:
            requestSnapshot(.resync)
            ack(.cmd, id: .string(command.id), result: .applied, reason: nil)
        case .open, .mode, .muster:
            let inputs = inputs
            let queued = controller.submit(command) { result in _ = inputs.offer(.commandDone(command, result)) }
            if !queued {
                logger.error("command not carried out: the access queue is full", metadata: ["command.id": "\(command.id)", "command.reason": "\(Self.deviceBusy)"])
                ack(.cmd, id: .string(command.id), result: .rejected, reason: Self.deviceBusy)
            }
        }
    }

    private func refuse(_ refusal: CommandRefusal, name: String) {
        logger.notice(
            "command refused",
            metadata: [
                "command.name": "\(name)", "command.id": "\(refusal.id ?? "unknown")", "command.reason": "\(refusal.reason.rawValue)",
                "command.detail": "\(refusal.detail)",
            ])
        ack(.cmd, id: refusal.id.map(JSONValue.string) ?? .null, result: .rejected, reason: refusal.reason.rawValue)
    }

    func commandDone(_ command: RemoteCommand, _ result: Result<CommandOutcome, DaemonError>) {
        switch result {
        case .success(.carriedOut):
            ack(.cmd, id: .string(command.id), result: .applied, reason: nil)
        case .success(.unchanged):
            ack(.cmd, id: .string(command.id), result: .noop, reason: nil)
        case .failure(let error) where error.code == .request:
            // An unknown door or zone: the command's arguments do not fit this device.
            logger.notice("command refused", metadata: ["command.id": "\(command.id)", "command.reason": "bad_args", "error": "\(error.message)"])
            ack(.cmd, id: .string(command.id), result: .rejected, reason: CommandRefusalReason.badArgs.rawValue)
        case .failure(let error):
            logger.error("command not carried out", metadata: ["command.id": "\(command.id)", "error.code": "\(error.code)", "error": "\(error.message)"])
            ack(.cmd, id: .string(command.id), result: .rejected, reason: Self.deviceError)
        }
    }

    func bundleDone(_ report: BundleReport) {
        switch report {
        case .applied(let manifest):
            // The version now held is the manifest's, whether or not the access thread has
            // taken it yet.
            ack(.bundle, id: .integer(manifest.version), result: .applied, reason: nil, version: manifest.version)
        case .noop(let manifest):
            ack(.bundle, id: .integer(manifest.version), result: .noop, reason: nil, version: manifest.version)
        case .refused(let refusal):
            ack(.bundle, id: refusal.manifest.map { .integer($0.version) } ?? .null, result: .rejected, reason: refusal.reason.rawValue)
            if refusal.reason == .baseMismatch { requestSnapshot(.baseMismatch) }
        case .failed:
            ack(.bundle, id: .null, result: .rejected, reason: Self.deviceError)
        }
    }

    /// The ack reason when the device itself failed (a disk that cannot be written); not a
    /// refusal of the message, and not among the contract's codes (docs/decisions.md).
    static let deviceError = "device_error"
    /// The ack reason when the access queue is full.
    static let deviceBusy = "device_busy"

    /// Acks a bundle or command with the version the cache holds now, after handling it.
    private func ack(_ subject: LinkMessage.AckSubject, id: JSONValue, result: LinkMessage.AckResult, reason: String?, version: Int64? = nil) {
        publish(topics.ack, LinkMessage.ack(for: subject, id: id, result: result, reason: reason, version: version ?? heldVersion, at: clock.wall()))
    }
}
