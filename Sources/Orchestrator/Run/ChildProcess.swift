import Foundation

/// A child process started by `fedz run`, stopped by its handle (never by name).
final class ChildProcess: Sendable {
    let name: String
    /// When the process was started.
    let started = ContinuousClock.now
    private let process: SendableProcess

    /// Starts `executable` with `arguments`; standard error (and standard output
    /// unless `output` is given) are appended to `logFile`.
    init(name: String, executable: String, arguments: [String], logFile: URL, output: Pipe? = nil) throws {
        self.name = name
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !FileManager.default.fileExists(atPath: logFile.path) {
            _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        }
        let log = try FileHandle(forWritingTo: logFile)
        log.seekToEndOfFile()  // a restarted process continues its log
        process.standardError = log
        process.standardOutput = output ?? log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = SendableProcess(process: process)
    }

    var pid: Int32 { process.process.processIdentifier }
    var isRunning: Bool { process.process.isRunning }

    /// Whether the process has exited by itself with a non-zero status (not killed by a signal).
    var exitedWithError: Bool {
        !isRunning && process.process.terminationReason == .exit && process.process.terminationStatus != 0
    }

    /// The exit status once the process has exited, waiting up to `timeout`; nil if it
    /// is still running then.
    func exitStatus(within timeout: Duration = .seconds(2)) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return isRunning ? nil : process.process.terminationStatus
    }

    /// SIGTERM, then SIGKILL if still running after `grace`; returns once it has exited.
    func stop(grace: Duration = .seconds(2)) async {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + grace
        while isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if isRunning { kill(pid, SIGKILL) }
        while isRunning {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}

// @unchecked: Foundation's Process is thread-safe for the members used here
// (processIdentifier, isRunning, terminationStatus) once it has been started.
private struct SendableProcess: @unchecked Sendable {
    let process: Process
}
