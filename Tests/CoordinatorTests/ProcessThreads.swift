import Foundation

/// The threads of this process as the kernel sees them (Linux `/proc`).
enum ProcessThreads {
    /// Whether a thread of this process other than the caller's is running or waiting for a CPU
    /// (state `R`). False where `/proc` is not there.
    static func othersRunnable() -> Bool {
        guard let threads = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task") else { return false }
        // `/proc/thread-self` links to `<pid>/task/<tid>` of the calling thread.
        let caller = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self"))?
            .split(separator: "/").last.map(String.init)
        for thread in threads where thread != caller {
            guard let stat = try? String(contentsOfFile: "/proc/self/task/\(thread)/stat", encoding: .ascii),
                  let end = stat.lastIndex(of: ")"), stat.index(end, offsetBy: 2) < stat.endIndex
            else { continue }
            if stat[stat.index(end, offsetBy: 2)] == "R" { return true }
        }
        return false
    }
}
