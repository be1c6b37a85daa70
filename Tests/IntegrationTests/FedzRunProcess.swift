import Foundation

/// `fedz run` started as a real process, its standard output followed line by line, and
/// killed by handle when the test is done.
///
/// Waits end on progress, not on the clock: `fedz run` prints a line at least every few seconds
/// while it works (round results, and progress lines while a round collects), so a wait fails
/// only when the run has printed nothing for `silentAtMost` — stuck, not merely slow on a
/// loaded machine.
final class FedzRunProcess: @unchecked Sendable {
    // @unchecked: `lines`, `lastLine` and `exited` are guarded by `lock`; the rest is set once in init.
    let stateDirectory: URL
    let summary: URL
    private let process = Process()
    private let lock = NSLock()
    private var lines: [String] = []
    private var exited = false
    /// When the last line arrived (or the process started).
    private var lastLine = ContinuousClock.now

    /// Starts `fedz run` with `arguments` in a fresh state directory (with a summary file).
    init(_ arguments: [String], binDirectory: URL) throws {
        stateDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("fedz-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: stateDirectory, withIntermediateDirectories: true)
        summary = stateDirectory.appendingPathComponent("summary.json")
        process.executableURL = binDirectory.appendingPathComponent("fedz")
        process.arguments = ["run", "--state-dir", stateDirectory.path, "--summary", summary.path] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try output.fileHandleForWriting.close()
        let reader = output.fileHandleForReading
        Thread.detachNewThread { [self] in
            var pending = Data()
            while true {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 10) {
                    let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex...newline)
                    lock.withLock {
                        lines.append(line)
                        lastLine = .now
                    }
                }
            }
            lock.withLock { exited = true }
        }
    }

    var output: [String] { lock.withLock { lines } }

    /// Whether the run has printed nothing for `limit` since `since` (when the wait began).
    private func isSilent(for limit: Duration, since: ContinuousClock.Instant) -> Bool {
        ContinuousClock.now - max(since, lock.withLock { lastLine }) > limit
    }

    /// Waits until `occurrence` output lines contain `text`; returns the last of them. Fails
    /// when the run exits first or prints nothing for `silentAtMost`.
    func waitForLine(containing text: String, occurrence: Int = 1, silentAtMost limit: Duration) async throws -> String {
        let start = ContinuousClock.now
        while !isSilent(for: limit, since: start) {
            let matching = output.filter { $0.contains(text) }
            if matching.count >= occurrence, let line = matching.last { return line }
            if lock.withLock({ exited }) { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError(
            "no line with '\(text)' (silent for \(limit) or exited); output:\n\(output.suffix(20).joined(separator: "\n"))")
    }

    /// Waits for the process to exit; returns its status. Fails when it prints nothing for `silentAtMost`.
    func waitForExit(silentAtMost limit: Duration) async throws -> Int32 {
        let start = ContinuousClock.now
        while process.isRunning && !isSilent(for: limit, since: start) {
            try await Task.sleep(for: .milliseconds(50))
        }
        guard !process.isRunning else {
            throw HarnessError("fedz run printed nothing for \(limit); output:\n\(output.suffix(20).joined(separator: "\n"))")
        }
        return process.terminationStatus
    }

    /// The PID `fedz run` recorded for one of its processes (`coordinator`, `node-0`, …).
    func pid(of name: String) throws -> Int32 {
        let text = try String(contentsOf: stateDirectory.appendingPathComponent("pids/\(name).pid"), encoding: .utf8)
        guard let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw HarnessError("bad PID file for \(name): \(text)")
        }
        return pid
    }

    /// Runs `fedz arguments` beside the run and waits for it: its exit status and its standard
    /// output and error together.
    func fedz(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let command = Process()
        command.executableURL = process.executableURL
        command.arguments = arguments
        let pipe = Pipe()
        command.standardOutput = pipe
        command.standardError = pipe
        try command.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        command.waitUntilExit()
        return (command.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    /// The `--summary` JSON.
    func summaryJSON() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: summary)) as? [String: Any] ?? [:]
    }

    /// Kills `fedz run` if it still runs (its children follow it: they watch their parent).
    func tearDown() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

extension FedzRunProcess {
    /// Runs `fedz arguments…` to its end (for a command that must stop by itself, e.g. on a bad
    /// file), output discarded; its exit status and standard error.
    static func outcome(of arguments: [String], binDirectory: URL) throws -> (status: Int32, errors: String) {
        let process = Process()
        process.executableURL = binDirectory.appendingPathComponent("fedz")
        process.arguments = arguments
        let errors = Pipe()
        (process.standardOutput, process.standardError) = (FileHandle(forWritingAtPath: "/dev/null"), errors)
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }
}
