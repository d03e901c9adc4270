import GRDB
import GatehouseCore

/// The SUN read counters in the state database (`sun_counter`): a message is taken only when
/// its counter is above the card's last one, in one statement, so two readers cannot both take it.
public struct SUNCounterStore: SUNCounterPort {
    let database: GatehouseDatabase

    public init(database: GatehouseDatabase) {
        self.database = database
    }

    public func advance(card: String, to counter: UInt32) throws -> Bool {
        do {
            return try database.pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO sun_counter (card, counter) VALUES (?, ?)
                        ON CONFLICT (card) DO UPDATE SET counter = excluded.counter WHERE excluded.counter > sun_counter.counter
                        """, arguments: [card, Int64(counter)])
                return db.changesCount == 1
            }
        } catch {
            throw StoreError(.sqlite, "\(error)")
        }
    }
}
