import Foundation
import ModelOps
import Testing

/// `fedz run` end to end: drift is detected, retrained and recovered from; production
/// set from the command line reaches the nodes; a killed coordinator resumes.
@Suite(.serialized, .timeLimit(.minutes(30)))
struct RunIntegrationTests {
    static let small = ["--nodes", "2", "--clients", "20", "--fraction", "0.5", "--local-epochs", "1", "--seed", "2"]

    let binDirectory: URL = try! ClusterHarness.findBinDirectory()

    @Test func driftRaisesOneAlertRetrainsAndRecovers() async throws {
        let run = try FedzRunProcess(
            Self.small + ["--rounds", "20", "--drift", "round=6,kind=rotate:60,fraction=1.0"], binDirectory: binDirectory)
        defer { run.tearDown() }
        #expect(try await run.waitForExit(silentAtMost: .seconds(300)) == 0, "\(run.output.suffix(10))")
        let summary = try run.summaryJSON()
        let alerts = try #require(summary["alerts"] as? [[String: Any]])
        #expect(alerts.count == 1, "one drift, one alert: \(alerts)")
        let alert = try #require(alerts.first)
        #expect(alert["state"] as? String == "resolved", "\(alert)")
        let production = try #require(summary["production_version"] as? Int)
        #expect(production > (alert["version"] as? Int ?? .max), "a retrained version serves")
        #expect(run.output.contains { $0.contains("retraining from production") })
    }

    @Test func aKilledMonitorIsRestartedAndStillCatchesTheDrift() async throws {
        let run = try FedzRunProcess(
            Self.small + ["--rounds", "18", "--drift", "round=8,kind=rotate:60,fraction=1.0"], binDirectory: binDirectory)
        defer { run.tearDown() }
        _ = try await run.waitForLine(containing: "round   3/", silentAtMost: .seconds(240))
        let first = try run.pid(of: "monitor")
        kill(first, SIGKILL)
        _ = try await run.waitForLine(containing: "monitor stopped; restarting it", silentAtMost: .seconds(30))
        #expect(try run.pid(of: "monitor") != first)
        #expect(try await run.waitForExit(silentAtMost: .seconds(300)) == 0, "\(run.output.suffix(10))")
        let summary = try run.summaryJSON()
        let rounds = try #require(summary["rounds"] as? [Any])
        #expect(rounds.count == 18, "training went on without the monitor")
        let alerts = try #require(summary["alerts"] as? [[String: Any]])
        #expect(alerts.count == 1, "the restarted monitor caught the drift: \(alerts)")
    }

    /// Every node's data shift blocks its compute thread for 60 s (20 times the liveness
    /// window of 3 heartbeat intervals): the nodes keep heart-beating, none is declared dead, no
    /// round is abandoned, and the drift round waits for the shifted data.
    @Test func aNodeWhoseDataShiftBlocksForAMinuteIsNeverDeclaredDead() async throws {
        let run = try FedzRunProcess(
            Self.small + [
                "--rounds", "3", "--round-timeout", "240", "--drift", "round=2,kind=rotate:60,fraction=1.0,stall=60",
            ], binDirectory: binDirectory)
        defer { run.tearDown() }
        #expect(try await run.waitForExit(silentAtMost: .seconds(480)) == 0, "\(run.output.suffix(10))")
        let rounds = try #require(try run.summaryJSON()["rounds"] as? [[String: Any]])
        #expect(rounds.count == 3)
        let driftRound = try #require(rounds.first { $0["round"] as? Int == 2 })
        #expect(driftRound["seconds"] as? Double ?? 0 >= 60, "round 2 trained on the shifted data: \(driftRound)")
        let log = try String(contentsOf: run.stateDirectory.appendingPathComponent("logs/coordinator.log"), encoding: .utf8)
        #expect(!log.contains("considered dead"), "a busy node was declared dead")
        #expect(!log.contains("round abandoned"))
        for node in 0..<2 {
            let nodeLog = try String(
                contentsOf: run.stateDirectory.appendingPathComponent("logs/node-\(node).log"), encoding: .utf8)
            #expect(nodeLog.contains("injected drift begins"), "node-\(node) shifted its data")
        }
    }

    @Test func privacySpentKeepsCountingAcrossACoordinatorRestart() async throws {
        let settings = ["--nodes", "2", "--clients", "20", "--fraction", "1.0", "--local-epochs", "1", "--rounds", "4",
                        "--dp-noise", "1", "--seed", "2"]
        let clean = try FedzRunProcess(settings, binDirectory: binDirectory)
        defer { clean.tearDown() }
        #expect(try await clean.waitForExit(silentAtMost: .seconds(300)) == 0)
        let cleanEpsilon = try #require(try clean.summaryJSON()["epsilon"] as? Double)

        let run = try FedzRunProcess(settings, binDirectory: binDirectory)
        defer { run.tearDown() }
        _ = try await run.waitForLine(containing: "round   2/", silentAtMost: .seconds(240))
        kill(try run.pid(of: "coordinator"), SIGKILL)
        _ = try await run.waitForLine(containing: "restarting it to resume", silentAtMost: .seconds(30))
        #expect(try await run.waitForExit(silentAtMost: .seconds(300)) == 0, "\(run.output.suffix(10))")
        let epsilon = try #require(try run.summaryJSON()["epsilon"] as? Double)
        #expect(abs(epsilon - cleanEpsilon) < 1e-9, "ε \(epsilon) after a restart vs \(cleanEpsilon) without")
    }

    @Test func aRunWhoseModelDivergesGivesUpOnceWithASummary() async throws {
        // Two nodes, one Byzantine sending -10× its update: plain FedAvg diverges until no
        // client can train; the coordinator gives up (not a crash, so no restart) and the
        // summary keeps the rounds that ran and why it stopped.
        let run = try FedzRunProcess(
            Self.small + ["--rounds", "12", "--strategy", "fedavg", "--byzantine", "fraction=0.5,kind=scale:-10"],
            binDirectory: binDirectory)
        defer { run.tearDown() }
        #expect(try await run.waitForExit(silentAtMost: .seconds(300)) == 1, "\(run.output.suffix(10))")
        #expect(!run.output.contains { $0.contains("restarting it") }, "\(run.output.suffix(10))")
        let summary = try run.summaryJSON()
        let error = try #require(summary["error"] as? String)
        #expect(error.contains("abandoned 3 times") && error.contains("failed to train"), "\(error)")
        let rounds = try #require(summary["rounds"] as? [[String: Any]])
        #expect(!rounds.isEmpty && rounds.count < 12, "\(rounds.count) rounds")
    }

    @Test func noDriftNoAlert() async throws {
        let run = try FedzRunProcess(Self.small + ["--rounds", "12"], binDirectory: binDirectory)
        defer { run.tearDown() }
        #expect(try await run.waitForExit(silentAtMost: .seconds(300)) == 0)
        #expect((try run.summaryJSON()["alerts"] as? [Any])?.isEmpty == true)
    }

    @Test func aRollbackFromTheCommandLineIsServedByTheNodes() async throws {
        let run = try FedzRunProcess(Self.small + ["--rounds", "14"], binDirectory: binDirectory)
        defer { run.tearDown() }
        _ = try await run.waitForLine(containing: "round   8/", silentAtMost: .seconds(240))
        let registry = try ModelRegistry.open(directory: run.stateDirectory)
        let before = try #require(try registry.alias(.production)?.number)
        let rollback = Process()
        rollback.executableURL = binDirectory.appendingPathComponent("fedz")
        rollback.arguments = ["models", "rollback", "--state-dir", run.stateDirectory.path]
        try rollback.run()
        rollback.waitUntilExit()
        #expect(rollback.terminationStatus == 0)
        let restored = try #require(try registry.alias(.production)?.number)
        #expect(restored < before)
        let since = Date()
        #expect(try await run.waitForExit(silentAtMost: .seconds(240)) == 0)
        #expect(!(try registry.fieldReports(of: restored, since: since)).isEmpty, "nodes reported serving version \(restored)")
    }

    /// `fedz models promote|rollback --coordinator-control …` as the admin key `fedz run` generated:
    /// the running coordinator moves production at once and answers; a node key may not.
    @Test func anAdminMovesProductionOfARunningFederationByMessage() async throws {
        // Rounds enough to outlast the commands on any machine; the run is stopped at the end.
        // Manual promotion: no candidate beats production on field data between the commands.
        let run = try FedzRunProcess(Self.small + ["--rounds", "200", "--promotion", "manual"], binDirectory: binDirectory)
        defer { run.tearDown() }
        let hint = try await run.waitForLine(containing: "move production while it runs", silentAtMost: .seconds(240))
        let live = Array(try #require(hint.components(separatedBy: "rollback ").last).split(separator: " ").map(String.init))
        #expect(live.contains("--coordinator-control") && live.contains("--keys"), "\(hint)")
        _ = try await run.waitForLine(containing: "round   3/", silentAtMost: .seconds(240))
        let registry = try ModelRegistry.open(directory: run.stateDirectory)
        let versions = try registry.versions().map(\.number)
        let target = try #require(versions.last)

        let promote = try run.fedz(["models", "promote", "\(target)", "--reason", "canary passed"] + live)
        #expect(promote.status == 0, "\(promote.output)")
        #expect(promote.output.contains("-> \(target) (running coordinator)"), "\(promote.output)")
        #expect(try registry.alias(.production)?.number == target, "moved at once, before the command returned")
        let moves = try registry.aliasHistory().filter { $0.alias == .production && $0.actor == "admin" }
        #expect(moves.map(\.action) == [.promote] && moves.first?.reason == "canary passed")

        // A node's key is refused (its role is node) and nothing moves.
        let asNode = try run.fedz(["models", "rollback", "--timeout", "3", "--id", "node-0"] + live)
        #expect(asNode.status != 0 && asNode.output.contains("no coordinator answered"), "\(asNode.output)")
        #expect(try registry.alias(.production)?.number == target)

        let rollback = try run.fedz(["models", "rollback", "--reason", "canary regressed"] + live)
        #expect(rollback.status == 0, "\(rollback.output)")
        let restored = try #require(try registry.alias(.production)?.number)
        #expect(restored < target)
        #expect(rollback.output.contains("production: \(target) -> \(restored) (running coordinator)"), "\(rollback.output)")
    }

    @Test func aRunStopsAtTheFirstRoundThatReachesTheTargetAccuracy() async throws {
        // A round's version is evaluated while the next round trains: that next round is closed
        // without aggregating once the earlier version reaches the target.
        let run = try FedzRunProcess(Self.small + ["--rounds", "20", "--target-accuracy", "0.9"], binDirectory: binDirectory)
        defer { run.tearDown() }
        #expect(try await run.waitForExit(silentAtMost: .seconds(300)) == 0, "\(run.output.suffix(10))")
        let rounds = try #require(try run.summaryJSON()["rounds"] as? [[String: Any]])
        let accuracies = rounds.compactMap { $0["test_accuracy"] as? Double }
        #expect(rounds.compactMap { $0["round"] as? Int } == Array(1...rounds.count), "in order, none missing")
        #expect(rounds.count < 20 && accuracies.count == rounds.count)
        #expect(accuracies.last.map { $0 >= 0.9 } == true && accuracies.dropLast().allSatisfy { $0 < 0.9 }, "\(accuracies)")
        let registry = try ModelRegistry.open(directory: run.stateDirectory)
        let versions = try registry.versions()
        #expect(versions.map(\.round).max() == rounds.count, "the round opened after the target made no version")
        #expect(versions.last?.metrics.testAccuracy == accuracies.last, "the evaluation is recorded with its version")
    }

    @Test func aCoordinatorKilledThreeTimesResumesAndLosesNoRound() async throws {
        let clean = try FedzRunProcess(Self.small + ["--rounds", "10"], binDirectory: binDirectory)
        defer { clean.tearDown() }
        #expect(try await clean.waitForExit(silentAtMost: .seconds(300)) == 0)
        let cleanAccuracy = try #require(try clean.summaryJSON()["final_test_accuracy"] as? Double)

        let run = try FedzRunProcess(Self.small + ["--rounds", "10"], binDirectory: binDirectory)
        defer { run.tearDown() }
        for (kill, round) in [2, 5, 8].enumerated() {
            _ = try await run.waitForLine(containing: "round   \(round)/", silentAtMost: .seconds(240))
            Foundation.kill(try run.pid(of: "coordinator"), SIGKILL)
            _ = try await run.waitForLine(containing: "restarting it to resume", occurrence: kill + 1, silentAtMost: .seconds(30))
        }
        #expect(try await run.waitForExit(silentAtMost: .seconds(300)) == 0, "\(run.output.suffix(10))")
        let summary = try run.summaryJSON()
        let rounds = try #require(summary["rounds"] as? [[String: Any]]).compactMap { $0["round"] as? Int }
        #expect(rounds == Array(1...10), "every round once, none lost: \(rounds)")
        let accuracy = try #require(summary["final_test_accuracy"] as? Double)
        #expect(abs(accuracy - cleanAccuracy) <= 0.01, "\(accuracy) vs fault-free \(cleanAccuracy)")
        #expect(run.output.filter { $0.contains("restarting it to resume") }.count == 3)
    }

    /// `fedz run --parent-pid` (what `fedz bench paper` passes) stops its whole cluster once the
    /// process that started it is gone, here a shell SIGKILLed mid-run.
    @Test func aRunWhoseParentIsKilledStopsItsCluster() async throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("fedz-orphan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", #""$0" run --state-dir "$1" --nodes 2 --clients 20 --rounds 1000 --plaintext --parent-pid $$ >/dev/null 2>&1 & echo $!; wait"#,
                           binDirectory.appendingPathComponent("fedz").path, state.path]
        let output = Pipe()
        shell.standardOutput = output
        try shell.run()
        let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        let run = try #require(Int32(line.trimmingCharacters(in: .whitespacesAndNewlines)), "fedz run's pid: \(line)")
        defer { kill(run, SIGKILL) }
        func pid(_ name: String) -> Int32? {
            (try? String(contentsOf: state.appendingPathComponent("pids/\(name).pid"), encoding: .utf8))
                .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        var deadline = ContinuousClock.now + .seconds(60)
        while (pid("coordinator") == nil || pid("node-1") == nil) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        let cluster = [run] + ["coordinator", "node-0", "node-1"].compactMap(pid)
        #expect(cluster.count == 4, "the cluster came up")
        kill(shell.processIdentifier, SIGKILL)
        /// Running and not a zombie (a process that exited and awaits its new parent's wait).
        func alive(_ pid: Int32) -> Bool {
            guard kill(pid, 0) == 0, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
            return !stat.contains(") Z ")
        }
        deadline = ContinuousClock.now + .seconds(20)
        while cluster.contains(where: alive) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(cluster.filter(alive).isEmpty, "still running: \(cluster.filter(alive))")
    }
}
