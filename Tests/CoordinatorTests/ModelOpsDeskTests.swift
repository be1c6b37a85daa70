import Federation
import Foundation
import FedzProtocol
import Learning
import Logging
import ModelOps
import Testing

@testable import Orchestrator

/// The coordinator's `ModelOpsDesk` on its own: production changes from field data, admins and
/// the registry file land one at a time, each once, and nodes get only the versions they may
/// serve or train.
@Suite struct ModelOpsDeskTests {
    /// A desk over a fresh registry holding versions 1 (production), 2 and 3 (the candidate).
    static func desk(in fleet: Fleet) async throws -> ModelOpsDesk {
        let desk = ModelOpsDesk(
            registry: try ModelRegistry.open(directory: fleet.stateDirectory),
            settings: fleet.settings(rounds: 1, expectedClients: 1), logger: Logger(label: "fedz.desk-tests"),
            specs: fleet.specs, incarnation: 1, channel: InMemoryFleet(clock: SystemClock()).coordinatorChannel)
        try await desk.beginFresh()
        let weights = try fleet.initialWeights()
        for round in 0..<3 {
            let model = try await desk.record(
                parent: round == 0 ? nil : round, round: round, weights: shifted(weights, by: Float(round)), metrics: TrainingMetrics())
            _ = try await desk.place(model.version, round: round)
        }
        return desk
    }

    @Test func anAdminsMovesRacingTheRegistryWatchAreEachRecordedOnce() async throws {
        let fleet = try Fleet()
        defer { fleet.removeState() }
        let desk = try await Self.desk(in: fleet)
        let deployment = await desk.deployment
        #expect(deployment.production == 1 && deployment.candidate == 3)

        // Each move lands in the registry file while the watch polls it: the watch must not take
        // the admin's move for another process's and record it a second time.
        var expected = [Promotion(version: 1, reason: "first version")]
        for step in 1...10 {
            let change = step.isMultiple(of: 2)
                ? ProductionChange(request: UInt64(step), action: .rollback, version: nil, reason: "step \(step)")
                : ProductionChange(request: UInt64(step), action: .promote, version: 2 + step % 4 / 2, reason: "step \(step)")
            let result = await withTaskGroup(of: ProductionChangeResult?.self) { group in
                group.addTask { await desk.changeProduction(change, by: "admin") }
                for _ in 0..<5 { group.addTask { _ = await desk.adoptRegistryProduction(); return nil } }
                return await group.compactMap { $0 }.reduce(into: [ProductionChangeResult]()) { $0.append($1) }.first
            }
            let production = try #require(result?.production, "\(String(describing: result))")
            expected.append(Promotion(version: production, reason: "\(change.action.rawValue) by admin: step \(step)"))
        }
        #expect(await desk.promotions == expected)
        #expect(await desk.deployment.production == expected.last?.version)
        #expect(try desk.registry.alias(.production)?.number == expected.last?.version)
    }

    @Test func aMoveMadeInTheRegistryFileIsAdoptedOnce() async throws {
        let fleet = try Fleet()
        defer { fleet.removeState() }
        let desk = try await Self.desk(in: fleet)
        _ = try desk.registry.promote(2, reason: "by hand", by: "operator")
        let adopted = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 { group.addTask { await desk.adoptRegistryProduction() } }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(adopted == 1)
        #expect(await desk.promotions.map(\.version) == [1, 2])
        #expect(await desk.served.production?.version == 2)
    }

    @Test func nodesGetOnlyTheLatestProductionAndCandidateVersions() async throws {
        let fleet = try Fleet()
        defer { fleet.removeState() }
        let desk = try await Self.desk(in: fleet)
        // Versions 1 (production) and 3 (latest and candidate) are servable; 2 is in the registry
        // but nodes may not make the coordinator load it, nor a version that does not exist.
        let asked = await withTaskGroup(of: (Int, Int?).self) { group in
            for version in [1, 2, 3, 4, -1, Int.max] {
                for _ in 0..<4 { group.addTask { (version, await desk.servableModel(version)?.version) } }
            }
            return await group.reduce(into: [Int: Set<Int?>]()) { $0[$1.0, default: []].insert($1.1) }
        }
        #expect(asked == [1: [1], 2: [nil], 3: [3], 4: [nil], -1: [nil], Int.max: [nil]])
        let served = await desk.servableModel(1)
        #expect(served?.hash == ModelCodec.contentHash(try fleet.initialWeights()), "version 1 holds the initial weights")
    }
}
