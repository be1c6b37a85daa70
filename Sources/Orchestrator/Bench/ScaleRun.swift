import Federation
import Foundation

/// One configuration of `fedz bench scale`, run for real: a coordinator and N `fedz-node`
/// processes on loopback (plain text, no monitor), followed through the coordinator's events.
struct ScaleRun {
    var configuration: ScaleConfiguration
    var rounds: Int
    var localEpochs: Int
    var batchSize: Int
    /// This configuration's logs, PID files and registry.
    var directory: URL

    /// Nodes started at once, a second apart: each decompresses the training set while it
    /// starts, and a hundred doing so together would only compete for memory and CPU.
    static let startBatch = 10

    /// What one configuration measured.
    struct Outcome: Encodable {
        var configuration: ScaleConfiguration
        var clientsPerNode: Int
        var rounds: [RoundResult]
        /// Means over the rounds after the first (which also waits for nodes to fetch the model).
        var phases: ScalePhases?
        var coordinatorPeakBytes: Int?
        /// Every node's memory after the last round, ascending by resident size.
        var nodeMemory: [ProcessMemory]
        var abandonedRounds: Int
        var wallSeconds: Double

        enum CodingKeys: String, CodingKey {
            case configuration, rounds, phases
            case clientsPerNode = "clients_per_node"
            case coordinatorPeakBytes = "coordinator_peak_bytes"
            case nodeMemory = "node_memory"
            case abandonedRounds = "abandoned_rounds"
            case wallSeconds = "wall_seconds"
        }
    }

    func measure() async throws -> Outcome {
        let (logs, pids) = (directory.appendingPathComponent("logs"), directory.appendingPathComponent("pids"))
        for folder in [logs, pids] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        let cluster = LocalCluster(logs: logs, pids: pids)
        let started = ContinuousClock.now
        let peak = PeakSampler()
        do {
            let events = try await cluster.startCoordinator(coordinatorArguments)
            let sampling = Task {
                while !Task.isCancelled {
                    if let pid = await cluster.processIDs.coordinator { peak.observe(ProcessMemory.of(pid: pid)) }
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
            defer { sampling.cancel() }
            var (results, abandoned, nodeMemory) = ([RoundResult](), 0, [ProcessMemory]())
            let decoder = FedzJSON.decoder
            for await line in events {
                guard let event = try? decoder.decode(CoordinatorEvent.self, from: Data(line.utf8)) else { continue }
                switch event {
                case let .ready(publish, pull, control):
                    let coordinator = ["--coordinator-publish", publish, "--coordinator-pull", pull]
                        + (control.map { ["--coordinator-control", $0] } ?? [])
                    try await startNodes(cluster, coordinator: coordinator)
                case let .round(result):
                    results.append(result)
                    if let pid = await cluster.processIDs.coordinator { peak.observe(ProcessMemory.of(pid: pid)) }
                    if result.round == rounds {
                        nodeMemory = await cluster.processIDs.nodes.compactMap(ProcessMemory.of(pid:)).sorted { $0.resident < $1.resident }
                    }
                case .abandoned:
                    abandoned += 1
                default:
                    break
                }
            }
            await cluster.stopAll()
            guard results.count == rounds else {
                throw FedzError("\(configuration): \(results.count) of \(rounds) rounds completed; see \(logs.path)")
            }
            return Outcome(
                configuration: configuration, clientsPerNode: configuration.clients / configuration.nodes, rounds: results,
                phases: ScalePhases(Array(results.dropFirst(results.count > 1 ? 1 : 0))), coordinatorPeakBytes: peak.value,
                nodeMemory: nodeMemory, abandonedRounds: abandoned, wallSeconds: (ContinuousClock.now - started).seconds)
        } catch {
            await cluster.stopAll()
            throw error
        }
    }

    private func startNodes(_ cluster: LocalCluster, coordinator: [String]) async throws {
        let indices = Array(0..<configuration.nodes)
        for first in stride(from: 0, to: indices.count, by: Self.startBatch) {
            if first > 0 { try await Task.sleep(for: .seconds(1)) }
            let batch = indices[first..<min(first + Self.startBatch, indices.count)]
            try await cluster.startNodes(batch.map { nodeArguments(index: $0, coordinator: coordinator) })
        }
    }

    private var coordinatorArguments: [String] {
        [
            "coordinator", "--publish", "tcp://127.0.0.1:*", "--pull", "tcp://127.0.0.1:*", "--control", "tcp://127.0.0.1:*",
            "--plaintext", "--no-metrics",
            "--model", "mlp", "--dataset", "mnist", "--rounds", "\(rounds)", "--fraction", "\(configuration.fraction)",
            "--min-clients", "\(configuration.perRound)", "--local-epochs", "\(localEpochs)", "--batch-size", "\(batchSize)",
            "--round-timeout", "300", "--expect-clients", "\(configuration.clients)", "--start-timeout", "180",
            "--state-dir", directory.path, "--parent-pid", "\(getpid())",
        ]
    }

    private func nodeArguments(index: Int, coordinator: [String]) -> [String] {
        coordinator + [
            "--id", "node-\(index)", "--node-index", "\(index)", "--node-count", "\(configuration.nodes)",
            "--clients", "\(configuration.clients)", "--model", "mlp", "--dataset", "mnist",
            "--plaintext", "--no-metrics",
            // Field reports would add evaluation work on every node: keep them out of the measurement.
            "--field-interval", "3600", "--parent-pid", "\(getpid())",
        ]
    }
}

/// The highest peak memory seen of a process sampled over time.
private final class PeakSampler: @unchecked Sendable {
    // @unchecked: `peak` is read and written under `lock`.
    private let lock = NSLock()
    private var peak: Int?

    func observe(_ memory: ProcessMemory?) {
        guard let memory else { return }
        lock.withLock { peak = max(peak ?? 0, memory.peak) }
    }

    var value: Int? { lock.withLock { peak } }
}
