import Actors
import Federation
import FedzProtocol
import Foundation
import ModelOps
import Synchronization
import Testing

@testable import Orchestrator

/// Operating a running federation by message: `fedz models promote|rollback --coordinator-control`
/// sends a `production_change` as an admin; the coordinator moves the registry's production
/// alias and what nodes serve at once, and answers.
@Suite struct CoordinatorOperationsTests {
    /// An operator's connection that sends production changes and collects the answers.
    final class Operator: Sendable {
        /// The answers received so far.
        final class Answers: Sendable {
            let list = Mutex<[ProductionChangeResult]>([])
        }

        let connection: InMemoryConnection
        let answers = Answers()
        let reading: Task<Void, Never>

        init(_ connection: InMemoryConnection) {
            self.connection = connection
            let answers = self.answers
            reading = Task {
                for await frames in connection.messages {
                    guard let envelope = try? WireFormat.decode(frames), envelope.header.kind == .productionChanged,
                          let result = try? envelope.body(ProductionChangeResult.self)
                    else { continue }
                    answers.list.withLock { $0.append(result) }
                }
            }
        }

        func send(_ change: ProductionChange) {
            let header = Header(kind: .productionChange, sender: connection.name, incarnation: 1)
            if let envelope = try? Envelope(topic: .control, header: header, body: change) {
                connection.send(WireFormat.encode(envelope))
            }
        }

        /// The answers received, once the connection is closed.
        func close() async -> [ProductionChangeResult] {
            connection.disconnect()
            await reading.value
            return answers.list.withLock { $0 }
        }
    }

    @Test func anAdminPromotesAndRollsBackARunningFederationOnceEachAndIsAnswered() async throws {
        let fleet = try Fleet()
        defer { fleet.removeState() }
        _ = await fleet.startNodes(CoordinatorRoundTests.clients, delta: CoordinatorRoundTests.delta)
        let coordinator = try await fleet.startCoordinator(fleet.settings(rounds: 3, expectedClients: 4))
        let admin = Operator(fleet.connect("admin"))
        let outcome = await fleet.run(coordinator) { result in
            switch result.round {
            case 1:
                // Sent twice, as a command whose answer was lost sends it again: carried out once.
                let promote = ProductionChange(request: 7, action: .promote, version: result.modelVersion, reason: "canary passed")
                admin.send(promote)
                admin.send(promote)
            case 2:
                admin.send(ProductionChange(request: 8, action: .rollback, reason: "canary regressed"))
            default:
                break
            }
        }
        let production = await coordinator.modelOps.deployment.production
        let registry = coordinator.modelOps.registry
        await coordinator.shutdown()
        let answers = await admin.close()

        #expect(outcome.error == nil)
        let promoted = try #require(outcome.history.first?.modelVersion)
        let first = try #require(try registry.versions().first?.number)
        #expect(answers == [
            ProductionChangeResult(request: 7, previous: first, production: promoted),
            ProductionChangeResult(request: 7, previous: first, production: promoted),
            ProductionChangeResult(request: 8, previous: promoted, production: first),
        ])
        #expect(production == first)
        #expect(try registry.aliases()[.production] == first)
        let moves = try registry.aliasHistory().filter { $0.alias == .production && $0.actor == "admin" }
        #expect(moves.map(\.action) == [.promote, .rollback])
        #expect(moves.map(\.reason) == ["canary passed", "canary regressed"])
        // The operator is no member of the federation: never a node, never declared dead.
        #expect(await coordinator.membership.nodes["admin"] == nil)
        #expect(await coordinator.membership.detector.lastSeen(of: "admin") == nil)
        #expect(await coordinator.rejected.isEmpty)
    }

    @Test func aVersionThatDoesNotExistIsRefusedAndNothingMoves() async throws {
        let fleet = try Fleet()
        defer { fleet.removeState() }
        _ = await fleet.startNodes(CoordinatorRoundTests.clients, delta: CoordinatorRoundTests.delta)
        let coordinator = try await fleet.startCoordinator(fleet.settings(rounds: 2, expectedClients: 4))
        let admin = Operator(fleet.connect("admin"))
        let outcome = await fleet.run(coordinator) { result in
            if result.round == 1 { admin.send(ProductionChange(request: 1, action: .promote, version: 999, reason: "typo")) }
        }
        let registry = coordinator.modelOps.registry
        await coordinator.shutdown()
        let answers = await admin.close()

        #expect(outcome.error == nil)
        #expect(answers.count == 1)
        #expect(answers.first?.production == nil)
        #expect(answers.first?.refusal?.contains("999") == true)
        #expect(try registry.aliasHistory().filter { $0.actor == "admin" }.isEmpty)
    }

    @Test func onlyAnAdminKeyMayMoveProduction() async throws {
        let fleet = try Fleet()
        defer { fleet.removeState() }
        var listing = ""
        for (name, role) in [("node-0", "node"), ("node-1", "node"), ("node-9", "node"), ("admin", "admin")] {
            listing += "\(try CurveKeyPair.generate().publicKey) \(name) \(role)\n"
        }
        var settings = fleet.settings(rounds: 2, expectedClients: 4)
        settings.security = (curve: .server(try CurveKeyPair.generate()), allowList: try AllowList(parsing: listing))
        _ = await fleet.startNodes(CoordinatorRoundTests.clients, delta: CoordinatorRoundTests.delta)
        let coordinator = try await fleet.startCoordinator(settings)
        let node = Operator(fleet.connect("node-9"))
        let outcome = await fleet.run(coordinator) { result in
            if result.round == 1 {
                node.send(ProductionChange(request: 1, action: .promote, version: result.modelVersion, reason: "a node's try"))
            }
        }
        let registry = coordinator.modelOps.registry
        let rejected = await coordinator.rejected
        await coordinator.shutdown()
        let answers = await node.close()

        #expect(outcome.error == nil)
        #expect(answers.isEmpty)
        #expect(rejected == ["forbidden": 1])
        #expect(try registry.aliasHistory().filter { $0.actor == "node-9" }.isEmpty)
    }
}
