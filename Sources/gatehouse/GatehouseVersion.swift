/// The software's version, as `gatehouse version` and the status topic report it.
enum GatehouseVersion {
    static let software = "0.1.0"
}
