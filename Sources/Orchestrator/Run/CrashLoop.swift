/// When restarting a process is no longer worth it: a process that exits with an error soon after
/// each start, again and again, fails at start (a bad data file, a bad flag), and restarting it
/// forever only hides why. A process killed by a signal (a crash, or a test's SIGKILL), or one that
/// ran for `settled` before it stopped, was not failing at start and starts its count again.
struct CrashLoop {
    /// How long a process must have run for its exit to count as a crash rather than a failure at start.
    let settled: Duration
    /// Failures at start in a row after which a process is given up on.
    let limit: Int
    private var failures: [String: Int] = [:]

    init(settled: Duration = .seconds(60), limit: Int = 5) {
        (self.settled, self.limit) = (settled, limit)
    }

    /// Records that `name` exited after running for `ran`, by itself with an error status
    /// (`failed`) or otherwise; true when it should be restarted.
    mutating func onExit(_ name: String, ran: Duration, failed: Bool) -> Bool {
        let count = failed && ran < settled ? failures[name, default: 0] + 1 : 0
        failures[name] = count
        return count < limit
    }
}
