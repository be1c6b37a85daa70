import Federation
import FedzProtocol
import Learning
import Testing

@testable import Node

/// The node's round bookkeeping without sockets or clocks: which round start replaces the
/// pending one, which client trains next, and when an unacknowledged report goes out again.
@Suite struct NodeRoundTests {
    let start = ContinuousClock.now
    let weights = [Tensor(shape: [2], values: [1, 2])]

    static func roundStart(
        _ round: Int, clients: [Int] = [1, 2], node: String = "n1", hash: String = "h0", answered: [Int] = []
    ) -> RoundStart {
        RoundStart(
            round: round, modelVersion: round - 1, modelHash: hash, assignments: [node: clients, "other": [9]],
            training: TrainingConfig(epochs: 1, batchSize: 1, learningRate: 1, seed: 1), deadlineSeconds: 10,
            answered: answered)
    }

    func fresh() -> NodeRound { NodeRound(node: "n1", resendAfter: .seconds(2)) }

    @Test func aRoundWithoutThisNodesClientsIsIgnored() {
        var round = fresh()
        #expect(round.onRoundStart(Self.roundStart(1, clients: [], node: "n1"), now: start).isEmpty)
        #expect(round.onRoundStart(Self.roundStart(1, node: "elsewhere"), now: start).isEmpty)
        #expect(round.pending == nil)
        #expect(round.nextStep { _, _ in [] } == nil)
    }

    @Test func trainsEachAssignedClientOnceOnTheRoundsModel() {
        var round = fresh()
        let first = Self.roundStart(1)
        #expect(round.onRoundStart(first, now: start) == [.work(first)])
        #expect(round.nextStep { _, _ in nil } == .fetchModel(version: 0))
        #expect(round.done.isEmpty, "a client waiting for its model is not done")
        var asked: [(Int, String)] = []
        let model: (Int, String) -> [Tensor]? = { version, hash in
            asked.append((version, hash))
            return weights
        }
        #expect(round.nextStep(model: model) == .train(client: 1, round: first, weights: weights))
        #expect(round.nextStep(model: model) == .train(client: 2, round: first, weights: weights))
        #expect(round.nextStep(model: model) == nil)
        #expect(asked.allSatisfy { $0 == (0, "h0") })
        #expect(round.done == [1, 2])
    }

    @Test func aRepeatedStartKeepsTheProgressAndAnOlderOneIsIgnored() {
        var round = fresh()
        let second = Self.roundStart(2)
        _ = round.onRoundStart(second, now: start)
        _ = round.nextStep { _, _ in weights }
        #expect(round.onRoundStart(second, now: start + .seconds(1)) == [.work(second)])
        #expect(round.done == [1])
        #expect(round.onRoundStart(Self.roundStart(1), now: start).isEmpty)
        #expect(round.pending == second)
        #expect(round.done == [1])
    }

    @Test func aRetryWithAnotherModelStartsTheClientsAgain() {
        var round = fresh()
        _ = round.onRoundStart(Self.roundStart(2), now: start)
        _ = round.nextStep { _, _ in weights }
        let kept1 = round.onReport([[1]], client: 1, round: 2, now: start)
        #expect(kept1)
        let retry = Self.roundStart(2, hash: "h1")
        #expect(round.onRoundStart(retry, now: start + .seconds(5)) == [.work(retry)], "the old report is not re-sent")
        #expect(round.done.isEmpty)
        #expect(round.unacknowledged.isEmpty)
        #expect(round.nextStep { _, _ in weights } == .train(client: 1, round: retry, weights: weights))
    }

    @Test func reportsGoOutAgainUntilAnswered() {
        var round = fresh()
        _ = round.onRoundStart(Self.roundStart(3), now: start)
        let kept2 = round.onReport([[1]], client: 1, round: 3, now: start)
        #expect(kept2)
        let kept3 = round.onReport([[2]], client: 2, round: 3, now: start)
        #expect(kept3)
        let kept4 = round.onReport([[7]], client: 1, round: 2, now: start)
        #expect(!kept4, "a report of an old round is dropped")
        #expect(round.unacknowledged == [1, 2])

        let repeated = Self.roundStart(3)
        #expect(round.onRoundStart(repeated, now: start + .seconds(2)) == [.work(repeated)], "not yet overdue")
        #expect(
            round.onRoundStart(repeated, now: start + .seconds(3))
                == [.resend(client: 1, frames: [[1]]), .resend(client: 2, frames: [[2]]), .work(repeated)])
        #expect(round.onRoundStart(repeated, now: start + .seconds(4)) == [.work(repeated)], "sent again just now")

        let acknowledged = Self.roundStart(3, answered: [2])
        #expect(round.onRoundStart(acknowledged, now: start + .seconds(6)) == [.resend(client: 1, frames: [[1]]), .work(acknowledged)])
        #expect(round.unacknowledged == [1])
        #expect(round.onRoundStart(Self.roundStart(3, answered: [1, 2]), now: start + .seconds(20)).count == 1)
        #expect(round.unacknowledged.isEmpty)
    }

    @Test func aRestartedCoordinatorClearsTheRound() {
        var round = fresh()
        _ = round.onRoundStart(Self.roundStart(3), now: start)
        _ = round.nextStep { _, _ in weights }
        _ = round.onReport([[1]], client: 1, round: 3, now: start)
        round.onCoordinatorRestarted()
        #expect(round.pending == nil && round.done.isEmpty && round.unacknowledged.isEmpty)
        let earlier = Self.roundStart(1)
        #expect(round.onRoundStart(earlier, now: start) == [.work(earlier)], "a new coordinator counts rounds afresh")
    }
}
