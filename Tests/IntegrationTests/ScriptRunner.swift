import Foundation
import Testing

/// Runs the deploy scripts of this clone (`deploy/…`) with the built executables next to the
/// test bundle (`FEDZ_BIN`), each with a deadline; output goes to a file, never a pipe, so
/// that background processes a script leaves running cannot hold the test up.
struct ScriptRunner {
    struct Result {
        var status: Int32
        var output: String
    }

    /// The clone's root directory (this file is `Tests/IntegrationTests/ScriptRunner.swift`).
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    let binDirectory: URL
    /// A fresh directory for this test's run (logs, keys, state, PID files).
    let workDirectory: URL

    init(label: String) throws {
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("fedz-node").path) {
            guard directory.pathComponents.count > 1 else { throw HarnessError("fedz-node not found near \(executable)") }
            directory.deleteLastPathComponent()
        }
        binDirectory = directory
        workDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("fedz-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: workDirectory, withIntermediateDirectories: true)
    }

    /// Starts `deploy/<script>` with bash; `onStart` gets its process id.
    func start(_ script: String, _ arguments: [String], log: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Self.repository.appendingPathComponent("deploy/\(script)").path] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["FEDZ_BIN"] = binDirectory.path
        process.environment = environment
        let logFile = workDirectory.appendingPathComponent(log)
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: logFile)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs `deploy/<script>` to its end within `timeout` (SIGKILLed by handle after it).
    @discardableResult
    func run(_ script: String, _ arguments: [String], timeout: Duration = .seconds(60)) throws -> Result {
        let log = "\(script.replacingOccurrences(of: "/", with: "-"))-\(UUID().uuidString.prefix(8)).log"
        let process = try start(script, arguments, log: log)
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw HarnessError("\(script) \(arguments) still running after \(timeout): \(read(log))")
        }
        return Result(status: process.terminationStatus, output: read(log))
    }

    /// A file of the work directory, or "" if there is none.
    func read(_ name: String) -> String {
        (try? String(contentsOf: workDirectory.appendingPathComponent(name), encoding: .utf8)) ?? ""
    }

    /// Polls `condition` every 100 ms until it holds or `timeout` passes.
    func waitUntil(_ what: String, within timeout: Duration, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            guard ContinuousClock.now < deadline else { throw HarnessError("not within \(timeout): \(what)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Waits until `condition` holds while `progress` keeps changing: fails only when `progress`
    /// stays the same for `stallLimit` — a stuck run, not a slow machine.
    func waitUntil(
        _ what: String, stallingAtMost stallLimit: Duration, progress: () -> Int, _ condition: () -> Bool
    ) async throws {
        var (seen, since) = (progress(), ContinuousClock.now)
        while !condition() {
            let now = progress()
            if now != seen { (seen, since) = (now, .now) }
            guard ContinuousClock.now - since < stallLimit else {
                throw HarnessError("no progress for \(stallLimit) (at \(seen)): \(what)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Whether `pid` names a process that has not exited (a zombie counts as exited).
    static func isAlive(_ pid: Int32) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return false }
        return !status.split(separator: "\n").contains { $0.hasPrefix("State:") && $0.contains("Z") }
    }
}
