import Federation
import Foundation
import FedzProtocol
import Learning
import Logging
import Synchronization
import Testing

@testable import Orchestrator

/// A coordinator and simulated nodes in one process, on an `InMemoryFleet` and a
/// `VirtualClock`: time moves only when every task waits on the clock, so a test runs minutes of
/// protocol time (heartbeats, deadlines, failure detection) in milliseconds, with no sleep.
final class Fleet: Sendable {
    let clock: VirtualClock
    let network: InMemoryFleet
    let stateDirectory: URL
    let model: String
    let specs: [ParameterSpec]
    /// The nodes started, kept alive as long as the fleet.
    private let nodes = Mutex<[SimulatedNode]>([])
    static let heartbeat = Duration.seconds(1)

    /// A fleet whose registry lives in `stateDirectory` (a fresh temporary one by default).
    init(stateDirectory: URL? = nil, model: String = "perceptron") throws {
        self.model = model
        clock = VirtualClock()
        network = InMemoryFleet(clock: clock)
        self.stateDirectory = stateDirectory ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("fedz-coordinator-tests-\(UUID().uuidString)")
        specs = try ModelZoo.learner(model, seed: 1).parameterSpecs
    }

    static let dataDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../data/mnist").standardized.path

    /// Settings for `rounds` rounds over every registered client (`expectedClients` of them).
    func settings(rounds: Int, expectedClients: Int, strategy: String = "fedavg") -> CoordinatorSettings {
        CoordinatorSettings(
            publishEndpoint: "inproc", pullEndpoint: "inproc", controlEndpoint: nil, model: model,
            dataDirectory: Self.dataDirectory, strategy: StrategySpec(name: strategy), rounds: rounds, targetAccuracy: nil,
            fraction: 1.0, sampling: .uniform, minimumClients: 1, expectedClients: expectedClients,
            startTimeout: .seconds(60), roundTimeout: .seconds(120),
            training: TrainingConfig(epochs: 1, batchSize: 10, learningRate: 0.1, seed: 1), seed: 1,
            heartbeatInterval: Self.heartbeat, heartbeatLiveness: 3, security: nil, faultPlan: FaultPlan(),
            stateDirectory: stateDirectory.path, resume: false, secureAggregation: nil, privacy: nil)
    }

    /// The fleet's clients: `perNode` on each of `nodes` nodes, client c holding `samples(c)` samples.
    static func clients(nodes: Int, perNode: Int, samples: (Int) -> Int) -> [[ClientInfo]] {
        (0..<nodes).map { node in
            (0..<perNode).map { index in
                let id = node * perNode + index
                return ClientInfo(id: id, samples: samples(id))
            }
        }
    }

    /// Starts one simulated node per entry of `clients`, named node-0, node-1, …, whose clients
    /// train for `trainingTime` of virtual time and which report field accuracy as `fieldOracle`
    /// dictates (not at all without one).
    func startNodes(
        _ clients: [[ClientInfo]], behaviours: [String: SimulatedNode.Behaviour] = [:], trainingTime: Duration = .zero,
        fieldOracle: SimulatedNode.FieldOracle? = nil, delta: @escaping @Sendable (Int, Int) -> Float
    ) async -> [SimulatedNode] {
        var started: [SimulatedNode] = []
        for (index, hosted) in clients.enumerated() {
            let id = "node-\(index)"
            let node = SimulatedNode(
                id: id, clients: hosted, model: model, specs: specs, clock: clock, fleet: network,
                interval: Self.heartbeat, incarnation: UInt64(index + 1), behaviour: behaviours[id] ?? .answers,
                trainingTime: trainingTime, fieldOracle: fieldOracle, delta: delta)
            await node.start()
            started.append(node)
        }
        nodes.withLock { $0 += started }
        return started
    }

    /// Starts a coordinator on the fleet; its warnings and above go to `log` when given, else nowhere.
    func startCoordinator(_ settings: CoordinatorSettings, log: LogRecorder? = nil) async throws -> Coordinator {
        let logger = Logger(label: "fedz.coordinator-tests") { _ in
            log.map { LogRecorder.Handler(recorder: $0) as any LogHandler } ?? SwiftLogNoOpLogHandler()
        }
        return try await Coordinator.start(settings: settings, logger: logger, channel: network.coordinatorChannel, clock: clock)
    }

    /// Connects an operator (or any peer that is no simulated node) named `name`, subscribed to
    /// its own topic.
    func connect(_ name: String) -> InMemoryConnection {
        network.connect(name, topics: [.node(name)])
    }

    /// How a driven run ended.
    struct Outcome {
        var history: [RoundResult]
        /// The run's error, if it failed or was stopped.
        var error: (any Error)?
        /// Virtual time the run took.
        var elapsed: Duration
    }

    /// Runs `coordinator` to the end (or until round `stopAfter` is reported, when the run is
    /// cancelled as a killed process would be), moving virtual time forward whenever the
    /// fleet is quiet: no message waiting and no work on the coordinator's compute threads or
    /// on `workers` (real nodes' threads). Fails the test if `limit` of virtual time passes first.
    func run(
        _ coordinator: Coordinator, stopAfter: Int? = nil, limit: Duration = .seconds(1800),
        alsoWaitingFor workers: [ComputeThread] = [], onRound: @escaping @Sendable (RoundResult) -> Void = { _ in }
    ) async -> Outcome {
        let stop = Atomic<Bool>(false)
        let finished = Atomic<Bool>(false)
        let began = clock.now
        // Cancelled from the round's report itself: rounds follow each other without virtual time
        // passing, so waiting for the fleet to settle would let the next ones run.
        let running = Mutex<Task<[RoundResult], any Error>?>(nil)
        let work = Task {
            defer { finished.store(true, ordering: .sequentiallyConsistent) }
            return try await coordinator.run { result in
                onRound(result)
                guard result.round == stopAfter else { return }
                stop.store(true, ordering: .sequentiallyConsistent)
                running.withLock { $0?.cancel() }
            }
        }
        running.withLock { $0 = work }
        let threads = coordinator.threads + workers
        while !finished.load(ordering: .sequentiallyConsistent) {
            let settled = await settle(threads) { finished.load(ordering: .sequentiallyConsistent) }
            if finished.load(ordering: .sequentiallyConsistent) { break }
            guard settled else {
                let stuck = "virtual time is stuck at \(clock.now - began): a task keeps sleeping until an instant "
                    + "already reached, with nothing sent (e.g. the coordinator's liveness loop at a peer's exact expiry)"
                Issue.record(Comment(rawValue: stuck))
                work.cancel()
                break
            }
            if stop.load(ordering: .sequentiallyConsistent) {
                work.cancel()
                break
            }
            guard let next = clock.nextDeadline, next - began <= limit else {
                Issue.record("the run did not end within \(limit) of virtual time")
                work.cancel()
                break
            }
            clock.advance(to: next)
        }
        let result = await work.result
        let elapsed = clock.now - began
        switch result {
        case .success(let history): return Outcome(history: history, error: nil, elapsed: elapsed)
        case .failure(let error): return Outcome(history: await coordinator.history, error: error, elapsed: elapsed)
        }
    }

    /// Returns true once nothing is in flight — no message waits in the fleet, no compute work is
    /// pending, no message was sent nor sleep begun for a good many scheduler turns, and no other
    /// thread of the process is running or waiting for a CPU — or once the run is `over`
    /// (messages sent to a coordinator that stopped wait forever). Returns false if sleeps keep
    /// beginning with nothing else happening for `spinLimit` turns: a task that sleeps until an
    /// instant already reached, again and again, never lets virtual time move.
    ///
    /// The last condition covers work the counters cannot see: a task between two actors, a
    /// loop just woken, a child task not started yet — on a loaded machine the thread running it
    /// may wait for a CPU for many milliseconds, far longer than the scheduler turns take. Tests
    /// running in parallel keep each other's threads busy, so after `confirmLimit` it gives up
    /// the check (`swift test --no-parallel`, as `make test` runs, always has it).
    private func settle(_ threads: [ComputeThread], over: () -> Bool) async -> Bool {
        var quiet = 0
        var spinning = 0
        var last = (sent: -1, sleeps: -1)
        let confirming = ContinuousClock.now
        while quiet < 64 || (ProcessThreads.othersRunnable() && ContinuousClock.now - confirming < Self.confirmLimit), !over() {
            if quiet >= 64 {
                // Let the runnable threads run; a real pause, not a scheduler turn.
                try? await Task.sleep(for: .microseconds(500))
                quiet = 0
                continue
            }
            await Task.yield()
            let busy = network.queued > 0 || threads.contains { $0.pending > 0 }
            let now = (sent: network.sent, sleeps: clock.sleepsBegun)
            spinning = !busy && now.sent == last.sent && now.sleeps != last.sleeps ? spinning + 1 : 0
            if spinning > Self.spinLimit { return false }
            if !busy && now == last {
                quiet += 1
            } else {
                quiet = 0
                last = now
            }
        }
        return true
    }

    /// How long `settle` waits, per step of virtual time, for the process's other threads to be idle.
    static let confirmLimit = Duration.milliseconds(20)

    /// Scheduler turns in a row in which only sleeps begin before `settle` calls the fleet stuck.
    static let spinLimit = 100_000

    /// The model the coordinator started from (the same seed builds the same weights).
    func initialWeights(seed: UInt64 = 1) throws -> [Tensor] {
        try ModelZoo.learner(model, seed: seed).parameters()
    }

    func removeState() {
        try? FileManager.default.removeItem(at: stateDirectory)
    }
}

/// The largest absolute difference between two models' weights.
func largestDifference(_ a: [Tensor], _ b: [Tensor]) -> Float {
    zip(a, b).map { zip($0.values, $1.values).map { abs($0 - $1) }.max() ?? 0 }.max() ?? .infinity
}

/// `weights` with `shift` added to every parameter.
func shifted(_ weights: [Tensor], by shift: Float) -> [Tensor] {
    weights.map { Tensor(shape: $0.shape, values: $0.values.map { $0 + shift }) }
}
