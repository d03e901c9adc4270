import GRDB
import GatehouseCore

extension GatehouseDatabase {
    /// The schema, as named migrations. Append new ones; never edit one that has shipped.
    /// The names of this binary's migrations, in the order they run.
    public static var migrationNames: [String] { migrator(legacyPolicyFile: "gatehouse.policy-1.sqlite").migrations }

    static func migrator(legacyPolicyFile: String) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("2026-11-21-policy-cache") { db in
            try db.execute(sql: """
                CREATE TABLE person (
                    id TEXT PRIMARY KEY NOT NULL, kind TEXT NOT NULL, roles TEXT NOT NULL, status TEXT NOT NULL,
                    valid_from INTEGER, valid_until INTEGER, label TEXT
                ) WITHOUT ROWID;
                CREATE TABLE credential (
                    id TEXT PRIMARY KEY NOT NULL, person TEXT NOT NULL, format TEXT NOT NULL, value TEXT NOT NULL,
                    status TEXT NOT NULL, valid_from INTEGER, valid_until INTEGER
                ) WITHOUT ROWID;
                CREATE UNIQUE INDEX credential_by_value ON credential(format, value);
                CREATE INDEX credential_by_person ON credential(person);
                CREATE TABLE zone (
                    id TEXT PRIMARY KEY NOT NULL, name TEXT, level TEXT NOT NULL, requires TEXT NOT NULL,
                    anti_passback TEXT NOT NULL, capacity INTEGER, schedule TEXT
                ) WITHOUT ROWID;
                CREATE TABLE schedule (
                    id TEXT PRIMARY KEY NOT NULL, tz TEXT NOT NULL, windows TEXT NOT NULL, exceptions TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE access_grant (
                    id TEXT PRIMARY KEY NOT NULL, person TEXT NOT NULL, zones TEXT NOT NULL, schedule TEXT,
                    valid_from INTEGER, valid_until INTEGER
                ) WITHOUT ROWID;
                CREATE INDEX access_grant_by_person ON access_grant(person);
                CREATE TABLE approval (
                    id TEXT PRIMARY KEY NOT NULL, person TEXT NOT NULL, zone TEXT NOT NULL, valid_from INTEGER NOT NULL,
                    valid_until INTEGER NOT NULL, approved_by TEXT NOT NULL, ref TEXT
                ) WITHOUT ROWID;
                CREATE INDEX approval_by_person_zone ON approval(person, zone);
                CREATE TABLE training (
                    id TEXT PRIMARY KEY NOT NULL, person TEXT NOT NULL, module TEXT NOT NULL, valid_until INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX training_by_person_module ON training(person, module);
                CREATE TABLE permit (
                    id TEXT PRIMARY KEY NOT NULL, persons TEXT NOT NULL, zone TEXT NOT NULL, valid_from INTEGER NOT NULL,
                    valid_until INTEGER NOT NULL, status TEXT NOT NULL, ref TEXT NOT NULL, risk TEXT
                ) WITHOUT ROWID;
                CREATE TABLE permit_person (
                    person TEXT NOT NULL, permit TEXT NOT NULL, PRIMARY KEY (person, permit)
                ) WITHOUT ROWID;
                CREATE INDEX permit_person_by_permit ON permit_person(permit);
                CREATE TABLE invite (
                    id TEXT PRIMARY KEY NOT NULL, kind TEXT NOT NULL, label TEXT, host TEXT NOT NULL, zones TEXT NOT NULL,
                    valid_from INTEGER NOT NULL, valid_until INTEGER NOT NULL, nda_signed INTEGER NOT NULL,
                    max_entries INTEGER NOT NULL, status TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE checkpoint (id TEXT PRIMARY KEY NOT NULL, name TEXT) WITHOUT ROWID;
                CREATE TABLE route (
                    id TEXT PRIMARY KEY NOT NULL, name TEXT, checkpoints TEXT NOT NULL, every_s INTEGER NOT NULL,
                    grace_s INTEGER NOT NULL, schedule TEXT
                ) WITHOUT ROWID;
                CREATE TABLE route_checkpoint (
                    checkpoint TEXT NOT NULL, route TEXT NOT NULL, position INTEGER NOT NULL,
                    PRIMARY KEY (checkpoint, route, position)
                ) WITHOUT ROWID;
                CREATE INDEX route_checkpoint_by_route ON route_checkpoint(route);
                """)
        }
        migrator.registerMigration("2026-11-21-bundle-state") { db in
            try db.execute(sql: """
                CREATE TABLE bundle_state (
                    id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL, kind TEXT NOT NULL,
                    sha256 TEXT NOT NULL, applied_at INTEGER NOT NULL, expires INTEGER, key_id TEXT NOT NULL
                );
                CREATE TABLE bundle_log (
                    version INTEGER PRIMARY KEY NOT NULL, kind TEXT NOT NULL, sha256 TEXT NOT NULL, records INTEGER NOT NULL,
                    applied_at INTEGER NOT NULL, key_id TEXT NOT NULL, issuer TEXT
                );
                """)
        }
        migrator.registerMigration("2026-11-21-outbox") { db in
            try db.execute(sql: """
                CREATE TABLE outbox (
                    seq INTEGER PRIMARY KEY NOT NULL, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, time INTEGER NOT NULL,
                    subject TEXT NOT NULL, payload TEXT NOT NULL, published_at INTEGER
                );
                CREATE INDEX outbox_unpublished ON outbox(seq) WHERE published_at IS NULL;
                """)
        }
        migrator.registerMigration("2026-11-22-runtime-state") { db in
            // next_seq is the seq the next event gets: kept here, not derived from the outbox,
            // so that pruning published events never lets a seq be reused.
            try db.execute(sql: """
                CREATE TABLE device_state (
                    id INTEGER PRIMARY KEY CHECK (id = 1), next_seq INTEGER NOT NULL, mode TEXT NOT NULL,
                    mode_zones TEXT, mode_changed_at INTEGER, stale_alarm_version INTEGER
                );
                INSERT INTO device_state (id, next_seq, mode) SELECT 1, COALESCE(MAX(seq), 0) + 1, 'normal' FROM outbox;
                CREATE TABLE occupancy (
                    occupant TEXT NOT NULL, zone TEXT NOT NULL, since INTEGER NOT NULL, PRIMARY KEY (occupant, zone)
                ) WITHOUT ROWID;
                CREATE INDEX occupancy_by_zone ON occupancy(zone);
                CREATE TABLE invite_use (
                    invite TEXT PRIMARY KEY NOT NULL, entries INTEGER NOT NULL, checked_in INTEGER NOT NULL,
                    last_check_in INTEGER, last_check_out INTEGER
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("2026-11-22-mqtt-link") { db in
            // The commands' jti seen, each kept until its command can no longer be accepted.
            try db.execute(sql: """
                CREATE TABLE command_seen (jti TEXT PRIMARY KEY NOT NULL, keep_until INTEGER NOT NULL) WITHOUT ROWID;
                CREATE INDEX command_seen_by_keep_until ON command_seen(keep_until);
                CREATE INDEX outbox_published ON outbox(published_at) WHERE published_at IS NOT NULL;
                """)
        }
        migrator.registerMigration("2026-11-29-patrol") { db in
            // patrol_round is the history of finished rounds; patrol_state the round now open at
            // each followed checkpoint of each route (round_start NULL: waiting for its schedule).
            try db.execute(sql: """
                CREATE TABLE patrol_round (
                    id INTEGER PRIMARY KEY, route TEXT NOT NULL, checkpoint TEXT NOT NULL, started_at INTEGER NOT NULL,
                    due_at INTEGER NOT NULL, deadline INTEGER NOT NULL, outcome TEXT NOT NULL, visited_at INTEGER, visited_by TEXT
                );
                CREATE INDEX patrol_round_by_checkpoint ON patrol_round(checkpoint, started_at);
                CREATE TABLE patrol_state (
                    route TEXT NOT NULL, checkpoint TEXT NOT NULL, round_start INTEGER, PRIMARY KEY (route, checkpoint)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration(Self.policyApartMigration) { db in
            // The policy cache moves to files of its own (PolicyFile): the state database keeps
            // which one is in force and what was last reported of it. A database that held a
            // policy had it copied out (exportLegacyPolicy) to generation 1 before this runs.
            try db.execute(sql: """
                ALTER TABLE device_state ADD COLUMN policy_file TEXT;
                ALTER TABLE device_state ADD COLUMN policy_generation INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE device_state ADD COLUMN reported_version INTEGER;
                ALTER TABLE device_state ADD COLUMN reported_sha256 TEXT;
                UPDATE device_state SET policy_file = ?, policy_generation = 1,
                    reported_version = (SELECT version FROM bundle_state WHERE id = 1),
                    reported_sha256 = (SELECT sha256 FROM bundle_state WHERE id = 1)
                WHERE EXISTS (SELECT 1 FROM bundle_state WHERE id = 1);
                """, arguments: [legacyPolicyFile])
            for table in policyTables + ["bundle_state", "bundle_log"] {
                try db.execute(sql: "DROP TABLE \(table)")
            }
        }
        migrator.registerMigration("2026-12-02-clock-floor") { db in
            // The clock floor at which the system clock was found behind it (contract 7.4), so
            // that one episode raises one alarm across restarts; NULL while the clock is trusted.
            try db.execute(sql: "ALTER TABLE device_state ADD COLUMN clock_suspect_floor INTEGER")
        }
        migrator.registerMigration("2026-12-02-clock-seen") { db in
            // The last time the daemon saw, kept every minute: part of the clock floor when
            // the outbox has been pruned empty.
            try db.execute(sql: "ALTER TABLE device_state ADD COLUMN clock_seen INTEGER")
        }
        migrator.registerMigration("2026-12-02-sun-counters") { db in
            // Contract 7.3: the last SUN read counter taken from each NTAG 424 DNA, by the card's
            // fingerprint (never its UID), so that a replayed message is refused across restarts.
            try db.execute(sql: "CREATE TABLE sun_counter (card TEXT PRIMARY KEY NOT NULL, counter INTEGER NOT NULL) WITHOUT ROWID")
        }
        migrator.registerMigration("2026-12-02-roll-call") { db in
            // Contract 7.5: whether the evacuation in force is a drill, and its roll call (one
            // JSON document, rewritten with each change), so both survive a restart.
            try db.execute(sql: "ALTER TABLE device_state ADD COLUMN mode_drill INTEGER NOT NULL DEFAULT 0; ALTER TABLE device_state ADD COLUMN roll_call TEXT")
        }
        return migrator
    }

    /// The migration before which the state database held the policy cache itself.
    static let lastMigrationWithPolicy = "2026-11-29-patrol"
    static let policyApartMigration = "2026-12-01-policy-apart"

    /// The cache tables a snapshot empties, children first.
    static let policyTables = [
        "permit_person", "route_checkpoint", "person", "credential", "zone", "schedule", "access_grant",
        "approval", "training", "permit", "invite", "checkpoint", "route",
    ]

    /// The table each record type lives in.
    static func table(for type: RecordType) -> String {
        type == .grant ? "access_grant" : type.rawValue
    }
}
