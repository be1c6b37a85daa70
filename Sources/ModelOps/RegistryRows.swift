import Foundation
import GRDB

// Decoding of the registry's rows into its public values (columns as in `RegistrySchema`).

extension ModelVersion {
    init(row: Row) {
        let draft = VersionDraft(
            parent: row["parent"], round: row["round"], architecture: row["architecture"],
            strategy: row["strategy"], config: row["config"],
            metrics: TrainingMetrics(
                testAccuracy: row["test_accuracy"], loss: row["loss"], participants: row["participants"]))
        self.init(number: row["number"], draft: draft, hash: row["hash"], registeredAt: row["registered_at"])
    }
}

extension AliasMove {
    init(row: Row) throws(RegistryError) {
        guard let alias = ModelAlias(rawValue: row["alias"]), let action = Action(rawValue: row["action"]) else {
            throw RegistryError(.corruptRow(
                table: "alias_move", id: row["id"], reason: "unknown alias \(row["alias"] as String) or action"))
        }
        self.init(
            alias: alias, version: row["version"], previous: row["previous"], action: action,
            actor: row["actor"], reason: row["reason"], time: row["time"])
    }
}

extension FieldReport {
    init(row: Row) {
        self.init(
            version: row["version"], node: row["node"], accuracy: row["accuracy"], samples: row["samples"],
            time: row["time"])
    }
}

extension AlertRecord {
    init(row: Row) {
        self.init(
            id: row["id"],
            alert: DriftAlert(
                detector: row["detector"], stream: row["stream"], value: row["value"], baseline: row["baseline"],
                time: row["time"]),
            version: row["version"], state: row["state"] == "open" ? .open : .resolved,
            resolvedAt: row["resolved_at"], resolution: row["resolution"])
    }
}

extension Checkpoint {
    init(row: Row) {
        let blob: Data = row["rng_state"]
        let words = stride(from: 0, to: blob.count - blob.count % 8, by: 8).map { offset in
            blob[blob.startIndex + offset..<blob.startIndex + offset + 8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        }
        self.init(
            round: row["round"], productionVersion: row["production_version"], rngState: words,
            extra: row["extra"], savedAt: row["saved_at"])
    }

    /// The generator state as a blob: each word little-endian.
    static func blob(_ words: [UInt64]) -> Data {
        Data(words.flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) } })
    }
}
