import Foundation
import Testing

/// Starts the built `fedz coordinator` and `fedz-node` executables as real processes,
/// follows the coordinator's JSON event lines with deadlines, and kills every
/// process it started by its handle when done.
final class ClusterHarness: @unchecked Sendable {
    // @unchecked: tests drive a harness from one task; the event buffer has its own lock.
    struct Event: Sendable {
        var name: String
        /// The event's JSON line.
        var line: Data

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: line) as? [String: Any]) ?? [:] }
        /// The round result of a `round` event.
        var result: [String: Any] { json["result"] as? [String: Any] ?? [:] }
        /// The run report of a `finished` event.
        var report: [String: Any] { json["report"] as? [String: Any] ?? [:] }
        /// Rejected messages by reason, from a `finished` event.
        var rejected: [String: Int] { report["rejected"] as? [String: Int] ?? [:] }
        /// The last round's test accuracy, from a `finished` event.
        var finalTestAccuracy: Double? { (report["rounds"] as? [[String: Any]])?.last?["test_accuracy"] as? Double }
    }

    let binDirectory: URL
    let logDirectory: URL
    private(set) var coordinator: Process?
    private(set) var nodes: [Process] = []
    private let events = EventBuffer()
    private(set) var publish = ""
    private(set) var pull = ""

    /// The coordinator's registry and checkpoint.
    var stateDirectory: String { logDirectory.appendingPathComponent("state").path }

    /// The harness's CurveZMQ key directory (coordinator and `node-0` … keys, allow-list).
    var keyDirectory: String { logDirectory.appendingPathComponent("keys").path }

    /// The directory of the built `fedz` and `fedz-node`: the test runner's own or one above it.
    static func findBinDirectory() throws -> URL {
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("fedz-node").path) {
            guard directory.pathComponents.count > 1 else { throw HarnessError("fedz-node not found near \(executable)") }
            directory.deleteLastPathComponent()
        }
        return directory
    }

    /// Finds the executables and generates CURVE keys for `nodes` nodes.
    init(nodes: Int = 3) throws {
        binDirectory = try Self.findBinDirectory()
        logDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("fedz-it-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
        let keys = try launch("fedz", ["keys", "generate", "--out", keyDirectory, "--nodes", "\(nodes)"], log: "keys.log")
        keys.waitUntilExit()
        guard keys.terminationStatus == 0 else { throw HarnessError("fedz keys generate failed: \(log("keys.log"))") }
    }

    /// Starts the coordinator on ephemeral loopback ports (encrypted with the harness's
    /// keys unless `plaintext`) and waits for its ready line.
    func startCoordinator(_ arguments: [String], plaintext: Bool = false) async throws {
        let output = Pipe()
        let security = plaintext ? ["--plaintext"] : ["--keys", keyDirectory]
        let process = try launch(
            "fedz",
            ["coordinator", "--publish", "tcp://127.0.0.1:*", "--pull", "tcp://127.0.0.1:*", "--state-dir", stateDirectory]
                + security + arguments,
            log: "coordinator.log", output: output)
        coordinator = process
        try output.fileHandleForWriting.close()
        let buffer = events
        let reader = output.fileHandleForReading
        Thread.detachNewThread {
            var pending = Data()
            while true {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 10) {
                    let line = pending[pending.startIndex..<newline]
                    pending.removeSubrange(pending.startIndex...newline)
                    if let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any],
                       let name = object["event"] as? String
                    {
                        buffer.append(Event(name: name, line: Data(line)))
                    }
                }
            }
            buffer.close()
        }
        let ready = try await waitFor("ready", silentAtMost: .seconds(60))
        publish = try #require(ready.json["publish"] as? String)
        pull = try #require(ready.json["pull"] as? String)
    }

    /// Starts `count` nodes sharing `clients` clients, with the harness's keys unless
    /// `security` says otherwise, connecting to the coordinator unless `via` names other
    /// endpoints (publish, pull).
    func startNodes(
        _ count: Int, clients: Int, extra: [String] = [], security: [String]? = nil, via: (String, String)? = nil
    ) throws {
        let (publish, pull) = via ?? (self.publish, self.pull)
        for index in 0..<count {
            nodes.append(try launch(
                "fedz-node",
                ["--id", "node-\(index)", "--coordinator-publish", publish, "--coordinator-pull", pull,
                 "--clients", "\(clients)", "--node-index", "\(index)", "--node-count", "\(count)"]
                    + (security ?? ["--keys", keyDirectory]) + extra,
                log: "node-\(index).log"))
        }
    }

    /// Starts any other program (for example a node written in another language) as one
    /// of the nodes: its output goes to `log`, and `tearDown` kills it with the others.
    func startCommand(_ executable: String, _ arguments: [String], log: String) throws -> Process {
        let process = try launch(URL(fileURLWithPath: executable), arguments, log: log)
        nodes.append(process)
        return process
    }

    /// The next event named `name` (earlier events of other names are skipped). Fails when the
    /// coordinator exits first or emits no event at all for `silentAtMost` (it reports a round's
    /// progress every few seconds, so silence means stuck, not merely slow on a loaded machine).
    func waitFor(_ name: String, silentAtMost timeout: Duration) async throws -> Event {
        let start = ContinuousClock.now
        while ContinuousClock.now - max(start, events.lastAppended) < timeout {
            if let event = events.take(named: name) { return event }
            if events.isClosed, events.take(named: name) == nil {
                throw HarnessError("coordinator exited before '\(name)'; logs: \(logDirectory.path)\n\(log("coordinator.log"))")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw HarnessError("no '\(name)' event: no event at all for \(timeout); logs: \(logDirectory.path)\n\(log("coordinator.log"))")
    }

    /// A log file's last lines, for failure messages.
    func log(_ name: String) -> String {
        let text = (try? String(contentsOf: logDirectory.appendingPathComponent(name), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(20).joined(separator: "\n")
    }

    /// Kills every process started here (SIGKILL by pid) and waits for them.
    func tearDown() {
        for process in nodes + [coordinator].compactMap({ $0 }) where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    private func launch(_ name: String, _ arguments: [String], log: String, output: Pipe? = nil) throws -> Process {
        try launch(binDirectory.appendingPathComponent(name), arguments, log: log, output: output)
    }

    private func launch(_ executable: URL, _ arguments: [String], log: String, output: Pipe? = nil) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let logFile = logDirectory.appendingPathComponent(log)
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: logFile)
        process.standardError = handle
        process.standardOutput = output ?? handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }
}

/// Events read from the coordinator's standard output, shared with the reader thread.
private final class EventBuffer: @unchecked Sendable {
    // @unchecked: every member is guarded by `lock`.
    private let lock = NSLock()
    private var events: [ClusterHarness.Event] = []
    private var closed = false
    private var lastAppendedAt = ContinuousClock.now

    func append(_ event: ClusterHarness.Event) {
        lock.withLock {
            events.append(event)
            lastAppendedAt = .now
        }
    }

    /// When the coordinator last emitted an event (or the buffer was made).
    var lastAppended: ContinuousClock.Instant { lock.withLock { lastAppendedAt } }

    func close() {
        lock.withLock { closed = true }
    }

    var isClosed: Bool { lock.withLock { closed } }

    func take(named name: String) -> ClusterHarness.Event? {
        lock.withLock {
            guard let index = events.firstIndex(where: { $0.name == name }) else { return nil }
            let event = events[index]
            events.removeSubrange(...index)
            return event
        }
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

