import GatehouseCore
/// A failure of the store, with a stable code.
public typealias StoreError = CodedError<StoreErrors>

/// The codes of `StoreError`.
public enum StoreErrors: ErrorDomain {
    public static let name = "store"
    public static let codes: [ErrorCode<StoreErrors>] = [.backup, .io, .migration, .open, .sqlite]
}

extension ErrorCode where Domain == StoreErrors {
    /// A backup is incomplete, damaged, or another device's; or a restore cannot keep `seq`.
    public static let backup = ErrorCode("backup")
    /// A file of the store cannot be read or written (a full disk, a removed file).
    public static let io = ErrorCode("io")
    /// A migration of the database failed.
    public static let migration = ErrorCode("migration")
    /// The database cannot be opened.
    public static let open = ErrorCode("open")
    /// SQLite refused a statement.
    public static let sqlite = ErrorCode("sqlite")
}
