import Foundation

/// A process's memory as Linux reports it in `/proc/PID/status`, in bytes.
struct ProcessMemory: Codable, Sendable, Equatable {
    /// Resident set size now (`VmRSS`).
    var resident: Int
    /// Peak resident set size (`VmHWM`).
    var peak: Int

    /// Parses the `VmRSS` and `VmHWM` lines (in kB) of a status file; nil if either is missing.
    init?(status: String) {
        var values: [String: Int] = [:]
        for line in status.split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == ":" || $0 == " " || $0 == "\t" })
            guard parts.count >= 2, ["VmRSS", "VmHWM"].contains(parts[0]), let kilobytes = Int(parts[1]) else { continue }
            values[String(parts[0])] = kilobytes * 1024
        }
        guard let resident = values["VmRSS"], let peak = values["VmHWM"] else { return nil }
        self.init(resident: resident, peak: peak)
    }

    init(resident: Int, peak: Int) {
        self.resident = resident
        self.peak = peak
    }

    /// The memory of process `pid` now; nil once it has exited.
    static func of(pid: Int32) -> ProcessMemory? {
        (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)).flatMap(ProcessMemory.init(status:))
    }
}
