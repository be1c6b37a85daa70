import CommandSupport
import Foundation

/// The processes of a local cluster — coordinator, monitor, nodes — started and stopped
/// together by `fedz run`, each logging to its own file.
actor LocalCluster {
    private let logs: URL
    private var coordinator: ChildProcess?
    private var monitor: ChildProcess?
    private var nodes: [ChildProcess] = []

    init(logs: URL) { self.logs = logs }

    var hasNodes: Bool { !nodes.isEmpty }

    /// Starts a coordinator (`fedz` with `arguments`); returns its standard output lines.
    func startCoordinator(_ arguments: [String]) throws -> AsyncStream<String> {
        let events = Pipe()
        coordinator = try ChildProcess(
            name: "coordinator", executable: ExecutableLocation.sibling("fedz"), arguments: arguments,
            logFile: logs.appendingPathComponent("coordinator.log"), output: events)
        try events.fileHandleForWriting.close()
        return LineReader.lines(of: events)
    }

    /// The coordinator's exit status once it has exited (nil if it still runs after a grace period).
    func coordinatorExitStatus() async -> Int32? {
        await coordinator?.exitStatus()
    }

    func startMonitor(_ arguments: [String]) throws {
        monitor = try ChildProcess(
            name: "monitor", executable: ExecutableLocation.sibling("fedz"), arguments: arguments,
            logFile: logs.appendingPathComponent("monitor.log"))
    }

    /// Starts one `fedz-node` per argument list, logging to `logs/node-<index>.log`.
    func startNodes(_ arguments: [[String]]) throws {
        for (index, nodeArguments) in arguments.enumerated() {
            nodes.append(try ChildProcess(
                name: "node-\(index)", executable: ExecutableLocation.sibling("fedz-node"), arguments: nodeArguments,
                logFile: logs.appendingPathComponent("node-\(index).log")))
        }
    }

    /// Stops every process: nodes and monitor together, then the coordinator.
    func stopAll() async {
        await withTaskGroup(of: Void.self) { group in
            for process in nodes + [monitor].compactMap({ $0 }) { group.addTask { await process.stop() } }
        }
        await coordinator?.stop()
    }
}
