import GRDB

extension PolicyFile {
    /// The policy file's schema, as named migrations. Append new ones; never edit one that has
    /// shipped. A snapshot load runs them all on its fresh file, then drops the secondary
    /// indexes, loads the rows and builds the indexes again (``SnapshotLoader``).
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("2026-12-01-policy-file") { db in
            // The records, as the state database held them before the cache moved out of it;
            // bundle_state also keeps what reporting the bundle needs (its origin, records,
            // issuer and iat), so that a start can report one applied but not yet reported.
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
                CREATE TABLE bundle_state (
                    id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL, kind TEXT NOT NULL,
                    sha256 TEXT NOT NULL, applied_at INTEGER NOT NULL, expires INTEGER, key_id TEXT NOT NULL,
                    records INTEGER NOT NULL, issued_at INTEGER NOT NULL, issuer TEXT, origin TEXT NOT NULL
                );
                CREATE TABLE bundle_log (
                    version INTEGER PRIMARY KEY NOT NULL, kind TEXT NOT NULL, sha256 TEXT NOT NULL, records INTEGER NOT NULL,
                    applied_at INTEGER NOT NULL, key_id TEXT NOT NULL, issuer TEXT, origin TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration("2026-12-02-person-pin") { db in
            // Contract 7.2: a person's keyed PIN hashes; null for a person without a PIN.
            try db.execute(sql: "ALTER TABLE person ADD COLUMN pin TEXT; ALTER TABLE person ADD COLUMN duress_pin TEXT")
        }
        return migrator
    }
}
