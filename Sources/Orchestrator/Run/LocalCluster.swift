import CommandSupport
import Foundation

/// The processes of a local cluster — coordinator, monitor, nodes — started and stopped
/// together by `fedz run`, each logging to `logs/NAME.log` with its PID in `pids/NAME.pid`
/// (for chaos scripts and tests, which signal processes by recorded PID, never by name).
actor LocalCluster {
    private let logs: URL
    private let pids: URL
    private var coordinator: ChildProcess?
    private var monitor: ChildProcess?
    private var nodes: [ChildProcess] = []
    /// How to start each supervised process again: the monitor's and every node's arguments.
    private var restartArguments: [String: (executable: String, arguments: [String])] = [:]

    init(logs: URL, pids: URL) {
        self.logs = logs
        self.pids = pids
    }

    var hasNodes: Bool { !nodes.isEmpty }

    /// Starts a coordinator (`fedz` with `arguments`); returns its standard output lines.
    func startCoordinator(_ arguments: [String]) throws -> AsyncStream<String> {
        let events = Pipe()
        coordinator = try start("coordinator", executable: "fedz", arguments, output: events)
        try events.fileHandleForWriting.close()
        return LineReader.lines(of: events)
    }

    /// The coordinator's exit status once it has exited (nil if it still runs after a grace period).
    func coordinatorExitStatus() async -> Int32? {
        await coordinator?.exitStatus()
    }

    func startMonitor(_ arguments: [String]) throws {
        monitor = try start("monitor", executable: "fedz", arguments)
        restartArguments["monitor"] = ("fedz", arguments)
    }

    /// Restarts the monitor and any node that has died, until cancelled, as a device
    /// restarts after a crash: training never waits for them (a node is written off
    /// and re-joins with a new incarnation; a monitor resumes from the registry). Calls
    /// `onRestart` with the process's name each time. Throws when a process fails at start
    /// again and again (`CrashLoop`), with the last line of its log.
    func keepAlive(onRestart: @Sendable (String) -> Void) async throws {
        var crashLoop = CrashLoop()
        while true {
            try await Task.sleep(for: .milliseconds(500))
            let exited = ([monitor].compactMap { $0 } + nodes).filter { !$0.isRunning }
            for process in exited {
                guard crashLoop.onExit(process.name, ran: process.started.duration(to: .now), failed: process.exitedWithError) else {
                    throw FedzError(
                        "\(process.name) exited at start \(crashLoop.limit) times in a row; its log ends: \(lastLine(of: process.name))")
                }
                let restarted = try restart(process.name)
                if process.name == "monitor" {
                    monitor = restarted
                } else if let index = nodes.firstIndex(where: { $0.name == process.name }) {
                    nodes[index] = restarted
                }
                onRestart(process.name)
            }
        }
    }

    /// The last non-empty line of `name`'s log.
    private func lastLine(of name: String) -> String {
        let text = (try? String(contentsOf: logs.appendingPathComponent("\(name).log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").last.map(String.init) ?? "(empty)"
    }

    /// Starts one `fedz-node` per argument list, logging to `logs/node-<index>.log`; indices
    /// continue after the nodes already started.
    func startNodes(_ arguments: [[String]]) throws {
        for nodeArguments in arguments {
            let name = "node-\(nodes.count)"
            nodes.append(try start(name, executable: "fedz-node", nodeArguments))
            restartArguments[name] = ("fedz-node", nodeArguments)
        }
    }

    /// The process ids of the coordinator and the nodes (in start order).
    var processIDs: (coordinator: Int32?, nodes: [Int32]) { (coordinator?.pid, nodes.map(\.pid)) }

    private func restart(_ name: String) throws -> ChildProcess {
        guard let how = restartArguments[name] else { throw FedzError("no way to restart \(name)") }
        return try start(name, executable: how.executable, how.arguments)
    }

    private func start(_ name: String, executable: String, _ arguments: [String], output: Pipe? = nil) throws -> ChildProcess {
        let process = try ChildProcess(
            name: name, executable: ExecutableLocation.sibling(executable), arguments: arguments,
            logFile: logs.appendingPathComponent("\(name).log"), output: output)
        try "\(process.pid)\n".write(to: pids.appendingPathComponent("\(name).pid"), atomically: true, encoding: .utf8)
        return process
    }

    /// Stops every process: nodes and monitor together, then the coordinator; removes the PID files.
    func stopAll() async {
        await withTaskGroup(of: Void.self) { group in
            for process in nodes + [monitor].compactMap({ $0 }) { group.addTask { await process.stop() } }
        }
        await coordinator?.stop()
        try? FileManager.default.removeItem(at: pids)
    }
}
