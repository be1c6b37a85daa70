import Foundation
import Learning
import ModelOps
import Testing

/// The registry on real SQLite in a temporary directory.
struct ModelRegistryTests {
    let directory = TemporaryDirectory()
    let clock = SteppingClock()

    private func open() throws -> ModelRegistry {
        try ModelRegistry.open(directory: directory.url, now: clock.now)
    }

    private func expectKind(_ kind: RegistryError.Kind, _ body: () throws -> Void) {
        #expect { try body() } throws: { ($0 as? RegistryError)?.kind == kind }
    }

    @Test func theStateDirectoryIsTheOwnersAlone() throws {
        defer { directory.remove() }
        try FileManager.default.createDirectory(
            at: directory.url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        _ = try open()
        let mode = try FileManager.default.attributesOfItem(atPath: directory.url.path)[.posixPermissions] as? Int
        #expect(mode == 0o700)
    }

    @Test func registersNumberedVersionsWithLineageAndVerifiedWeights() throws {
        defer { directory.remove() }
        let registry = try open()
        let first = try registry.register(draft(parent: nil, round: 0), weights: weights(seed: 1))
        let second = try registry.register(draft(parent: 1, round: 1, accuracy: 0.91), weights: weights(seed: 2))
        #expect((first.number, second.number) == (1, 2))
        #expect(second.parent == 1 && second.round == 1 && second.metrics.testAccuracy == 0.91)
        #expect(try registry.versions() == [first, second])
        #expect(try registry.version(2) == second)
        #expect(try registry.weights(of: 2) == weights(seed: 2))

        let artifact = directory.url.appendingPathComponent("artifacts/\(second.hash).fedzt")
        let bytes = try [UInt8](Data(contentsOf: artifact))
        #expect(ArtifactFormat.sha256(bytes) == second.hash)
        #expect(bytes == ArtifactFormat.encode(weights(seed: 2)))
    }

    @Test func metricsMeasuredAfterRegistrationAreRecordedOnTheVersion() throws {
        defer { directory.remove() }
        let registry = try open()
        _ = try registry.register(draft(parent: nil, round: 0), weights: weights(seed: 1))
        #expect(try registry.version(1).metrics == TrainingMetrics(testAccuracy: nil, loss: 0.3, participants: 10))
        try registry.recordMetrics(TrainingMetrics(testAccuracy: 0.93, loss: 0.21), of: 1)
        #expect(try registry.version(1).metrics == TrainingMetrics(testAccuracy: 0.93, loss: 0.21, participants: 10))
        expectKind(.unknownVersion(2)) { try registry.recordMetrics(TrainingMetrics(testAccuracy: 0.5), of: 2) }
    }

    @Test func refusesUnknownParentsAndInvalidConfig() throws {
        defer { directory.remove() }
        let registry = try open()
        expectKind(.unknownVersion(7)) { _ = try registry.register(draft(parent: 7, round: 1), weights: weights(seed: 1)) }
        var bad = draft(parent: nil, round: 0)
        bad.config = "{lr: 0.05"
        #expect { _ = try registry.register(bad, weights: []) } throws: { error in
            guard case .invalidJSON(let field, _) = (error as? RegistryError)?.kind else { return false }
            return field == "config"
        }
        #expect(try registry.versions().isEmpty)
        expectKind(.unknownVersion(1)) { _ = try registry.version(1) }
    }

    @Test func detectsTamperedAndMissingArtifactsWithTheirFacts() throws {
        defer { directory.remove() }
        let registry = try open()
        let version = try registry.register(draft(parent: nil, round: 0), weights: weights(seed: 1))
        let artifact = directory.url.appendingPathComponent("artifacts/\(version.hash).fedzt")
        var bytes = try [UInt8](Data(contentsOf: artifact))
        bytes[bytes.count - 1] ^= 1
        try Data(bytes).write(to: artifact)
        expectKind(.hashMismatch(
            version: 1, path: artifact.path, expected: version.hash, actual: ArtifactFormat.sha256(bytes)
        )) { _ = try registry.weights(of: 1) }

        try FileManager.default.removeItem(at: artifact)
        expectKind(.missingArtifact(version: 1, path: artifact.path)) { _ = try registry.weights(of: 1) }
        let exported = directory.url.appendingPathComponent("out.fedzt")
        expectKind(.missingArtifact(version: 1, path: artifact.path)) { try registry.export(1, to: exported) }
        #expect(!FileManager.default.fileExists(atPath: exported.path))
    }

    @Test func exportsTheVerifiedArtifact() throws {
        defer { directory.remove() }
        let registry = try open()
        _ = try registry.register(draft(parent: nil, round: 0), weights: weights(seed: 3))
        let file = directory.url.appendingPathComponent("exported.fedzt")
        try registry.export(1, to: file)
        #expect(try ArtifactFormat.decode([UInt8](Data(contentsOf: file)), path: file.path) == weights(seed: 3))
    }

    @Test func promotionClearsTheCandidateAndRollbackWalksBack() throws {
        defer { directory.remove() }
        let registry = try open()
        for round in 0..<4 {
            _ = try registry.register(draft(parent: round == 0 ? nil : round, round: round), weights: weights(seed: UInt64(round)))
        }
        expectKind(.nothingToRollBack(production: nil)) { try registry.rollback() }
        try registry.promote(1, reason: "first", by: "coordinator")
        expectKind(.nothingToRollBack(production: 1)) { try registry.rollback() }
        try registry.promote(2, reason: "better", by: "coordinator")
        try registry.setAlias(.candidate, to: 3, reason: "retrained", by: "coordinator")
        #expect(try registry.aliases() == [.production: 2, .candidate: 3])
        try registry.promote(3, reason: "beats production", by: "monitor")
        #expect(try registry.aliases() == [.production: 3])
        #expect(try registry.alias(.candidate) == nil)

        let back = try registry.rollback(reason: "field accuracy fell", by: "cli")
        #expect((back.previous, back.version, back.action) == (3, 2, .rollback))
        #expect(try registry.alias(.production)?.number == 2)
        try registry.rollback()
        #expect(try registry.alias(.production)?.number == 1)
        expectKind(.nothingToRollBack(production: 1)) { try registry.rollback() }
        expectKind(.unknownVersion(9)) { try registry.promote(9) }

        let history = try registry.aliasHistory()
        #expect(history.map(\.action) == [.promote, .promote, .set, .promote, .clear, .rollback, .rollback])
        #expect(history.map(\.version) == [1, 2, 3, 3, nil, 2, 1])
        #expect(history.map(\.previous) == [nil, 1, nil, 2, 3, 3, 2])
        #expect(history[3].actor == "monitor" && history[3].reason == "beats production")
        #expect(zip(history, history.dropFirst()).allSatisfy { $0.time < $1.time })
    }

    @Test func keepsTheNewestFieldReportsPerVersionAndNodeOnly() throws {
        defer { directory.remove() }
        let registry = try open()
        _ = try registry.register(draft(parent: nil, round: 0), weights: weights(seed: 1))
        let t0 = Date(timeIntervalSince1970: 1_750_000_100)
        let kept = ModelRegistry.fieldReportsKept
        for batch in 0..<3 {
            try registry.recordFieldMetrics((0..<kept).map { index in
                FieldReport(version: 1, node: "node-0", accuracy: Double(batch) / 4, samples: 1,
                            time: t0.addingTimeInterval(Double(batch * kept + index)))
            })
        }
        try registry.recordFieldMetrics([FieldReport(version: 1, node: "node-1", accuracy: 1, samples: 1, time: t0)])
        let reports = try registry.fieldReports(of: 1)
        #expect(reports.filter { $0.node == "node-0" }.count == kept)
        #expect(reports.filter { $0.node == "node-0" }.allSatisfy { $0.accuracy == 0.5 }, "the newest batch is kept")
        #expect(reports.filter { $0.node == "node-1" }.count == 1, "another node's reports are its own")
    }

    @Test func weighsFieldAccuracyBySamplesPerNodeAndOverall() throws {
        defer { directory.remove() }
        let registry = try open()
        _ = try registry.register(draft(parent: nil, round: 0), weights: weights(seed: 1))
        let t0 = Date(timeIntervalSince1970: 1_750_000_100)
        try registry.recordFieldMetrics([
            FieldReport(version: 1, node: "node-0", accuracy: 0.9, samples: 100, time: t0),
            FieldReport(version: 1, node: "node-1", accuracy: 0.6, samples: 300, time: t0.addingTimeInterval(1)),
            FieldReport(version: 1, node: "node-0", accuracy: 0.8, samples: 100, time: t0.addingTimeInterval(2)),
        ])
        let field = try #require(try registry.fieldAccuracy(of: 1))
        #expect(abs(field.overall.accuracy - 0.70) < 1e-12)
        #expect(field.overall.samples == 500 && field.overall.reports == 3)
        #expect(field.overall.latest == t0.addingTimeInterval(2))
        #expect(abs((field.nodes["node-0"]?.accuracy ?? 0) - 0.85) < 1e-12)
        #expect(field.nodes["node-1"]?.samples == 300)
        let recent = try #require(try registry.fieldAccuracy(of: 1, since: t0.addingTimeInterval(1)))
        #expect(recent.overall.reports == 2)

        expectKind(.unknownVersion(2)) {
            try registry.recordFieldMetrics([
                FieldReport(version: 1, node: "node-0", accuracy: 0.5, samples: 10, time: t0),
                FieldReport(version: 2, node: "node-0", accuracy: 0.5, samples: 10, time: t0),
            ])
        }
        #expect(try registry.fieldReports(of: 1).count == 3, "a failed batch records nothing")
    }

    @Test func keepsAlertsOpenUntilResolved() throws {
        defer { directory.remove() }
        let registry = try open()
        _ = try registry.register(draft(parent: nil, round: 0), weights: weights(seed: 1))
        let seen = DriftAlert(
            detector: "page-hinkley", stream: "global", value: 0.41, baseline: 0.97,
            time: Date(timeIntervalSince1970: 1_750_000_500))
        let first = try registry.recordAlert(seen, version: 1)
        let second = try registry.recordAlert(seen, version: nil)
        #expect(try registry.openAlerts().map(\.id) == [first.id, second.id])
        #expect(try registry.openAlerts().first?.alert == seen)

        let resolved = try registry.resolveAlert(first.id, resolution: "version 2 promoted")
        #expect(resolved.state == .resolved && resolved.resolution == "version 2 promoted" && resolved.resolvedAt != nil)
        #expect(try registry.openAlerts().map(\.id) == [second.id])
        #expect(try registry.alerts().first == resolved)
        expectKind(.alertAlreadyResolved(first.id)) { try registry.resolveAlert(first.id, resolution: "again") }
        expectKind(.unknownAlert(99)) { try registry.resolveAlert(99, resolution: "x") }
        expectKind(.unknownVersion(5)) { try registry.recordAlert(seen, version: 5) }
    }

    @Test func checkpointsSurviveAReopen() throws {
        defer { directory.remove() }
        #expect(try open().loadCheckpoint() == nil)
        let registry = try open()
        _ = try registry.register(draft(parent: nil, round: 0), weights: weights(seed: 1))
        try registry.promote(1)
        try registry.saveCheckpoint(round: 3, productionVersion: 1, rngState: [1, 2, 3, 4])
        let saved = try registry.saveCheckpoint(
            round: 7, productionVersion: 1, rngState: [0, .max, 0x0123_4567_89AB_CDEF, 1 << 63],
            extra: #"{"pending":[4,5]}"#)

        let reopened = try open()
        #expect(try reopened.loadCheckpoint() == saved)
        #expect(try reopened.versions().count == 1)
        #expect(try reopened.alias(.production)?.number == 1)
        expectKind(.unknownVersion(2)) { try reopened.saveCheckpoint(round: 8, productionVersion: 2, rngState: []) }
        #expect { try reopened.saveCheckpoint(round: 8, productionVersion: nil, rngState: [], extra: "not json") }
            throws: { error in
                guard case .invalidJSON = (error as? RegistryError)?.kind else { return false }
                return true
            }
    }

    @Test func twoRegistriesOnOneDirectoryNumberVersionsWithoutGapsOrDuplicates() async throws {
        defer { directory.remove() }
        let coordinator = try open()
        let monitor = try open()
        try await withThrowingTaskGroup(of: [Int].self) { group in
            for (index, registry) in [coordinator, monitor].enumerated() {
                group.addTask {
                    try await Task.detached {
                        try (0..<25).map { round in
                            try registry.register(
                                draft(parent: nil, round: round), weights: weights(seed: UInt64(100 * index + round))
                            ).number
                        }
                    }.value
                }
            }
            var numbers: [Int] = []
            for try await batch in group {
                #expect(batch == batch.sorted())
                numbers += batch
            }
            #expect(numbers.sorted() == Array(1...50))
        }
        #expect(try monitor.versions().count == 50)
        #expect(try coordinator.weights(of: 50) == monitor.weights(of: 50))
    }
}
