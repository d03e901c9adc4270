/// One presentation at one reader, with what the reader serves.
public struct AccessRequest: Sendable, Equatable {
    public var reader: String
    /// The door the reader serves, or nil for a checkpoint-only reader.
    public var door: DoorConfig?
    public var direction: ReaderConfig.Direction
    /// The patrol checkpoint the reader is, if any.
    public var checkpoint: String?
    public var presentation: Presentation
    public var time: Timestamp

    public init(reader: String, door: DoorConfig?, direction: ReaderConfig.Direction, checkpoint: String? = nil, presentation: Presentation, time: Timestamp) {
        self.reader = reader
        self.door = door
        self.direction = direction
        self.checkpoint = checkpoint
        self.presentation = presentation
        self.time = time
    }

    /// The request for `presentation` at `reader` as the config describes it; nil when the
    /// config has no such reader.
    public init?(reader id: String, in config: GatehouseConfig, presentation: Presentation, time: Timestamp) {
        guard let reader = config.reader(id) else { return nil }
        self.init(
            reader: id, door: reader.door.flatMap(config.door), direction: reader.direction,
            checkpoint: reader.checkpoint, presentation: presentation, time: time)
    }
}
