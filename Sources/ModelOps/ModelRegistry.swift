import Foundation
import GRDB
import Learning

/// The model registry of one state directory: versions with lineage and metrics, movable
/// aliases with their history, drift alerts and the coordinator's resume checkpoint in
/// SQLite (`registry.sqlite`, WAL mode), and each version's weights in `artifacts/`.
///
/// Several processes may use one directory at once (the coordinator writes versions, the
/// monitor alerts, the CLI moves aliases): every write is one IMMEDIATE transaction and
/// waits up to `busyTimeout` for another process's. Methods block briefly on SQLite and
/// file I/O. Errors are `RegistryError`s, or GRDB's `DatabaseError` for SQLite failures.
public final class ModelRegistry: Sendable {
    /// The state directory.
    public let directory: URL
    private let pool: DatabasePool
    private let artifacts: ArtifactStore
    private let now: @Sendable () -> Date

    /// Opens (creating if needed, and migrating to the current schema) the registry in
    /// `directory`; `now` stamps records and `busyTimeout` bounds waits for other processes.
    public static func open(
        directory: URL, busyTimeout: TimeInterval = 10, now: @escaping @Sendable () -> Date = Date.init
    ) throws -> ModelRegistry {
        try ModelRegistry(directory: directory, busyTimeout: busyTimeout, now: now)
    }

    private init(directory: URL, busyTimeout: TimeInterval, now: @escaping @Sendable () -> Date) throws {
        self.directory = directory
        try Self.makePrivate(directory)
        self.artifacts = try ArtifactStore(directory: directory.appendingPathComponent("artifacts"))
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "fedz.registry"
        self.pool = try DatabasePool(
            path: directory.appendingPathComponent("registry.sqlite").path, configuration: configuration)
        self.now = now
        try RegistrySchema.migrator.migrate(pool)
    }

    /// Creates the state directory if missing and makes it the owner's alone (mode 0700): it
    /// holds every model, the field reports and the resume checkpoint. A directory this process
    /// may not change (a volume mounted by someone else) keeps its mode.
    static func makePrivate(_ directory: URL) throws {
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory.path)
    }

    // MARK: Versions

    /// Stores `weights` and records them as the next version.
    public func register(_ draft: VersionDraft, weights: [Tensor]) throws -> ModelVersion {
        try Self.checkJSON(draft.config, field: "config")
        let hash = try artifacts.store(ArtifactFormat.encode(weights))
        let registeredAt = now()
        return try pool.write { db in
            if let parent = draft.parent { try Self.requireVersion(parent, db) }
            try db.execute(
                sql: """
                    INSERT INTO version (parent, round, architecture, strategy, config, test_accuracy, loss,
                        participants, hash, registered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    draft.parent, draft.round, draft.architecture, draft.strategy, draft.config,
                    draft.metrics.testAccuracy, draft.metrics.loss, draft.metrics.participants, hash, registeredAt,
                ])
            return ModelVersion(number: Int(db.lastInsertedRowID), draft: draft, hash: hash, registeredAt: registeredAt)
        }
    }

    /// Records `metrics` of version `number`, measured after it was registered; nil values
    /// leave the recorded ones.
    public func recordMetrics(_ metrics: TrainingMetrics, of number: Int) throws {
        try pool.write { db in
            try Self.requireVersion(number, db)
            try db.execute(
                sql: """
                    UPDATE version SET test_accuracy = coalesce(?, test_accuracy), loss = coalesce(?, loss),
                        participants = coalesce(?, participants) WHERE number = ?
                    """,
                arguments: [metrics.testAccuracy, metrics.loss, metrics.participants, number])
        }
    }

    /// Every version, oldest first.
    public func versions() throws -> [ModelVersion] {
        try pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM version ORDER BY number").map(ModelVersion.init) }
    }

    /// Version `number`.
    public func version(_ number: Int) throws -> ModelVersion {
        try pool.read { db in try Self.requireVersion(number, db) }
    }

    /// The weights of version `number`, after checking its artifact against its hash.
    public func weights(of number: Int) throws -> [Tensor] {
        let version = try version(number)
        let bytes = try artifacts.load(version.hash, version: number)
        return try ArtifactFormat.decode(bytes, path: artifacts.path(of: version.hash).path)
    }

    /// Copies version `number`'s checked artifact file (format: `ArtifactFormat`) to `file`, atomically.
    public func export(_ number: Int, to file: URL) throws {
        let version = try version(number)
        try ArtifactStore.writeAtomically(try artifacts.load(version.hash, version: number), to: file)
    }

    // MARK: Aliases

    /// Points `alias` at version `number`, recording who moved it and why.
    @discardableResult
    public func setAlias(_ alias: ModelAlias, to number: Int, reason: String, by actor: String = "fedz") throws -> AliasMove {
        try pool.write { db in
            try Self.requireVersion(number, db)
            return try move(alias, to: number, action: .set, reason: reason, actor: actor, db)
        }
    }

    /// The version `alias` points at, if any.
    public func alias(_ alias: ModelAlias) throws -> ModelVersion? {
        try pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT version.* FROM alias JOIN version ON version.number = alias.version WHERE name = ?",
                arguments: [alias.rawValue]
            ).map(ModelVersion.init)
        }
    }

    /// Every alias that is set, with its version number.
    public func aliases() throws -> [ModelAlias: Int] {
        try pool.read { db in
            var result: [ModelAlias: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT name, version FROM alias") {
                if let alias = ModelAlias(rawValue: row["name"]) { result[alias] = row["version"] }
            }
            return result
        }
    }

    /// Every alias move, oldest first.
    public func aliasHistory() throws -> [AliasMove] {
        try pool.read { db in try Self.moves(db) }
    }

    /// Makes version `number` production; if it was the candidate, clears `candidate`.
    @discardableResult
    public func promote(_ number: Int, reason: String = "promoted", by actor: String = "fedz") throws -> AliasMove {
        try pool.write { db in
            try Self.requireVersion(number, db)
            let promotion = try move(.production, to: number, action: .promote, reason: reason, actor: actor, db)
            if try Self.aliasVersion(.candidate, db) == number {
                try move(.candidate, to: nil, action: .clear, reason: "promoted to production", actor: actor, db)
            }
            return promotion
        }
    }

    /// Returns production to the version it had before the current one (promotions push,
    /// rollbacks pop, so repeated rollbacks walk further back).
    @discardableResult
    public func rollback(reason: String = "rolled back", by actor: String = "fedz") throws -> AliasMove {
        try pool.write { db in
            let stack = AliasMove.productionStack(try Self.moves(db))
            guard stack.count >= 2 else { throw RegistryError(.nothingToRollBack(production: stack.last)) }
            return try move(.production, to: stack[stack.count - 2], action: .rollback, reason: reason, actor: actor, db)
        }
    }

    // MARK: Field metrics

    /// Records nodes' field reports, all or none.
    public func recordFieldMetrics(_ reports: [FieldReport]) throws {
        try pool.write { db in
            for version in Set(reports.map(\.version)) { try Self.requireVersion(version, db) }
            for report in reports {
                try db.execute(
                    sql: "INSERT INTO field_report (version, node, accuracy, samples, time) VALUES (?, ?, ?, ?, ?)",
                    arguments: [report.version, report.node, report.accuracy, report.samples, report.time])
            }
            for key in Set(reports.map { FieldKey(version: $0.version, node: $0.node) }) {
                try db.execute(
                    sql: """
                        DELETE FROM field_report WHERE version = ?1 AND node = ?2 AND id <= (
                            SELECT id FROM field_report WHERE version = ?1 AND node = ?2 ORDER BY id DESC LIMIT 1 OFFSET ?3)
                        """,
                    arguments: [key.version, key.node, Self.fieldReportsKept])
            }
        }
    }

    /// Field reports kept per version and node (the newest): what one node stores is bounded
    /// however often it reports.
    public static let fieldReportsKept = 1_000

    private struct FieldKey: Hashable {
        var version: Int
        var node: String
    }

    /// Version `number`'s field reports at or after `since` (all if nil), oldest first.
    public func fieldReports(of number: Int, since: Date? = nil) throws -> [FieldReport] {
        try pool.read { db in
            try Self.requireVersion(number, db)
            return try Row.fetchAll(
                db, sql: "SELECT * FROM field_report WHERE version = ? AND time >= ? ORDER BY time, id",
                arguments: [number, since ?? .distantPast]
            ).map(FieldReport.init)
        }
    }

    /// Version `number`'s sample-weighted field accuracy, overall and per node, over its
    /// reports at or after `since`; nil without reports.
    public func fieldAccuracy(of number: Int, since: Date? = nil) throws -> FieldAccuracy? {
        FieldAccuracy(try fieldReports(of: number, since: since))
    }

    // MARK: Alerts

    /// Records `alert`, seen while `version` was in production, as open.
    @discardableResult
    public func recordAlert(_ alert: DriftAlert, version: Int?) throws -> AlertRecord {
        try pool.write { db in
            if let version { try Self.requireVersion(version, db) }
            try db.execute(
                sql: """
                    INSERT INTO alert (detector, stream, value, baseline, version, time, state)
                    VALUES (?, ?, ?, ?, ?, ?, 'open')
                    """,
                arguments: [alert.detector, alert.stream, alert.value, alert.baseline, version, alert.time])
            return AlertRecord(
                id: Int(db.lastInsertedRowID), alert: alert, version: version, state: .open, resolvedAt: nil,
                resolution: nil)
        }
    }

    /// Marks alert `id` resolved, saying how.
    @discardableResult
    public func resolveAlert(_ id: Int, resolution: String) throws -> AlertRecord {
        let resolvedAt = now()
        return try pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM alert WHERE id = ?", arguments: [id]) else {
                throw RegistryError(.unknownAlert(id))
            }
            var record = AlertRecord(row: row)
            guard record.state == .open else { throw RegistryError(.alertAlreadyResolved(id)) }
            try db.execute(
                sql: "UPDATE alert SET state = 'resolved', resolved_at = ?, resolution = ? WHERE id = ?",
                arguments: [resolvedAt, resolution, id])
            record.state = .resolved
            record.resolvedAt = resolvedAt
            record.resolution = resolution
            return record
        }
    }

    /// Alerts not yet resolved, oldest first.
    public func openAlerts() throws -> [AlertRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM alert WHERE state = 'open' ORDER BY id").map(AlertRecord.init)
        }
    }

    /// Every alert, oldest first.
    public func alerts() throws -> [AlertRecord] {
        try pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM alert ORDER BY id").map(AlertRecord.init) }
    }

    // MARK: Checkpoint

    /// Replaces the coordinator's resume checkpoint; `extra` must be JSON text.
    @discardableResult
    public func saveCheckpoint(
        round: Int, productionVersion: Int?, rngState: [UInt64], extra: String = "{}"
    ) throws -> Checkpoint {
        try Self.checkJSON(extra, field: "checkpoint extra")
        let checkpoint = Checkpoint(
            round: round, productionVersion: productionVersion, rngState: rngState, extra: extra, savedAt: now())
        try pool.write { db in
            if let productionVersion { try Self.requireVersion(productionVersion, db) }
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO checkpoint (id, round, production_version, rng_state, extra, saved_at)
                    VALUES (1, ?, ?, ?, ?, ?)
                    """,
                arguments: [round, productionVersion, Checkpoint.blob(rngState), extra, checkpoint.savedAt])
        }
        return checkpoint
    }

    /// The last saved checkpoint, if any.
    public func loadCheckpoint() throws -> Checkpoint? {
        try pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM checkpoint WHERE id = 1").map(Checkpoint.init) }
    }

    // MARK: Helpers

    /// Moves `alias` to `number` (nil clears it) and records the move.
    @discardableResult
    private func move(
        _ alias: ModelAlias, to number: Int?, action: AliasMove.Action, reason: String, actor: String, _ db: Database
    ) throws -> AliasMove {
        let record = AliasMove(
            alias: alias, version: number, previous: try Self.aliasVersion(alias, db), action: action, actor: actor,
            reason: reason, time: now())
        if let number {
            try db.execute(
                sql: "INSERT OR REPLACE INTO alias (name, version) VALUES (?, ?)", arguments: [alias.rawValue, number])
        } else {
            try db.execute(sql: "DELETE FROM alias WHERE name = ?", arguments: [alias.rawValue])
        }
        try db.execute(
            sql: "INSERT INTO alias_move (alias, version, previous, action, actor, reason, time) VALUES (?, ?, ?, ?, ?, ?, ?)",
            arguments: [alias.rawValue, number, record.previous, action.rawValue, actor, reason, record.time])
        return record
    }

    private static func aliasVersion(_ alias: ModelAlias, _ db: Database) throws -> Int? {
        try Int.fetchOne(db, sql: "SELECT version FROM alias WHERE name = ?", arguments: [alias.rawValue])
    }

    private static func moves(_ db: Database) throws -> [AliasMove] {
        try Row.fetchAll(db, sql: "SELECT * FROM alias_move ORDER BY id").map { row throws in try AliasMove(row: row) }
    }

    @discardableResult
    private static func requireVersion(_ number: Int, _ db: Database) throws -> ModelVersion {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM version WHERE number = ?", arguments: [number]) else {
            throw RegistryError(.unknownVersion(number))
        }
        return ModelVersion(row: row)
    }

    private static func checkJSON(_ text: String, field: String) throws(RegistryError) {
        do {
            _ = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        } catch {
            throw RegistryError(.invalidJSON(field: field, reason: "\(error)"))
        }
    }
}
