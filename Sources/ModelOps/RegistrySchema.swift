import GRDB

/// The registry's SQLite schema, as migrations applied in order (each once per database).
enum RegistrySchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE version (
                    number INTEGER PRIMARY KEY AUTOINCREMENT,
                    parent INTEGER REFERENCES version(number),
                    round INTEGER NOT NULL,
                    architecture TEXT NOT NULL,
                    strategy TEXT NOT NULL,
                    config TEXT NOT NULL,
                    test_accuracy REAL,
                    loss REAL,
                    participants INTEGER,
                    hash TEXT NOT NULL,
                    registered_at DATETIME NOT NULL);
                CREATE TABLE field_report (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    version INTEGER NOT NULL REFERENCES version(number),
                    node TEXT NOT NULL,
                    accuracy REAL NOT NULL,
                    samples INTEGER NOT NULL CHECK (samples >= 0),
                    time DATETIME NOT NULL);
                CREATE INDEX field_report_by_version ON field_report(version, time);
                CREATE TABLE alias (
                    name TEXT PRIMARY KEY,
                    version INTEGER NOT NULL REFERENCES version(number));
                CREATE TABLE alias_move (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    alias TEXT NOT NULL,
                    version INTEGER REFERENCES version(number),
                    previous INTEGER REFERENCES version(number),
                    action TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    time DATETIME NOT NULL);
                CREATE TABLE alert (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    detector TEXT NOT NULL,
                    stream TEXT NOT NULL,
                    value REAL NOT NULL,
                    baseline REAL NOT NULL,
                    version INTEGER REFERENCES version(number),
                    time DATETIME NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('open', 'resolved')),
                    resolved_at DATETIME,
                    resolution TEXT);
                CREATE TABLE checkpoint (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    round INTEGER NOT NULL,
                    production_version INTEGER REFERENCES version(number),
                    rng_state BLOB NOT NULL,
                    extra TEXT NOT NULL,
                    saved_at DATETIME NOT NULL);
                """)
        }
        return migrator
    }
}
