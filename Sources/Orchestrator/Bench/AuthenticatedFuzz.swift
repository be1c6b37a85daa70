import Actors
import CommandSupport
import Foundation

/// `fedz bench fuzz --authenticated`: a real coordinator, CURVE-encrypted, fuzzed through its
/// sockets by allow-listed keys with valid envelopes whose fields lie (`AdversarialMessages`).
///
/// The bench writes keys for K fuzzing nodes and a victim, starts `fedz coordinator` waiting
/// for more clients than will ever come (so no round opens), lets the victim say hello, has
/// every key push its share of the messages and then a closing hello, waits until the
/// coordinator shows every key's closing hello (so it has handled all of their messages),
/// reads its rejection counters from `/metrics`, checks it is still running and stops it.
struct AuthenticatedFuzz {
    var inputs: Int
    var keys: Int
    var seed: UInt64
    /// Keep the keys, the coordinator's log and its registry even when all went as expected.
    var keepFiles = false

    /// What one run saw.
    struct Report {
        var messages: Int
        var keys: Int
        var seed: UInt64
        var seconds: Double
        var coordinatorAlive: Bool
        /// Its exit status once stopped (130 after SIGTERM), or how it ended when it died.
        var coordinatorExitStatus: Int32?
        /// Its memory once every key's messages were handled: resident then, and the peak.
        var coordinatorMemory: ProcessMemory?
        /// The coordinator's counts by reason, from `/metrics`.
        var rejected: [String: Int]
        /// Messages not rejected: `messages` − Σ `rejected`.
        var accepted: Int
        var expected: FuzzTally
        /// Whether `rejected` is what the generator expected (`FuzzTally.admits`), every message
        /// was sent and every key's closing hello was seen.
        var asExpected: Bool
        var unsent: Int
        /// Keys whose closing hello the coordinator never showed (it lost or refused messages).
        var unclosedKeys: [String]
        /// Messages the coordinator's sockets took in, fuzzed or not (`fedz_messages_received_total`).
        var received: Int
        /// Where the coordinator's log is, when it died or counted differently (or files are kept).
        var log: String?

        /// One JSON object, its fields in a fixed order: what ran, whether the coordinator
        /// survived, its counts, then the generator's expectations (`undetermined`: model
        /// requests, which the quota may refuse or not, by their possible outcomes).
        var json: String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            func encoded(_ value: some Encodable) -> String {
                (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
            }
            var determined = expected.determined
            let expectedAccepted = determined.removeValue(forKey: AdversarialMessage.accepted) ?? 0
            let fields: [(String, String)] = [
                ("bench", encoded("fuzz")), ("mode", encoded("authenticated")), ("messages", encoded(messages)),
                ("keys", encoded(keys)), ("seed", encoded(seed)), ("seconds", encoded(seconds)),
                ("coordinator_alive", encoded(coordinatorAlive)), ("coordinator_exit_status", encoded(coordinatorExitStatus)),
                ("coordinator_resident_bytes", encoded(coordinatorMemory?.resident)),
                ("coordinator_peak_bytes", encoded(coordinatorMemory?.peak)),
                ("rejected", encoded(rejected)), ("accepted", encoded(accepted)),
                ("expected", "{\"rejected\":\(encoded(determined)),\"accepted\":\(expectedAccepted),\"undetermined\":\(encoded(expected.undetermined))}"),
                ("as_expected", encoded(asExpected)), ("unsent", encoded(unsent)), ("unclosed_keys", encoded(unclosedKeys)),
                ("received", encoded(received)), ("kinds", encoded(expected.kinds)), ("log", encoded(log)),
            ]
            return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
        }
    }

    /// How long the coordinator may make no visible progress before the bench gives up waiting.
    static let stall = Duration.seconds(300)

    func run() async throws -> Report {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fedz-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let keyDirectory = directory.appendingPathComponent("keys").path
        try generateKeys(in: keyDirectory, nodes: keys + 1)
        let cast = try FuzzCast(keys: keys)
        let port = try ClusterPorts.free(count: 1)[0]
        let (coordinator, pull) = try await startCoordinator(in: directory, keys: keyDirectory, metricsPort: port)
        let probe = CoordinatorProbe(port: port)
        let loop = try await IOLoop.start(name: "fedz-fuzz-io")
        var report: Report
        do {
            let store = KeyStore(directory: keyDirectory)
            var pushers: [Pusher] = []
            for index in 0...keys {
                pushers.append(try await Pusher(loop: loop, connect: pull, settings: SocketSettings(curve: try store.client(name: cast.name(index)))))
            }
            try await pushers[keys].send(AdversarialMessages.victimHello(cast: cast), timeout: .seconds(60))
            let victim = try await waitUntil(probe, coordinator) { $0[cast.victim] == FuzzCast.victimClients.count }
            guard victim[cast.victim] == FuzzCast.victimClients.count else {
                throw FedzError("the coordinator never registered \(cast.victim)'s hello")
            }

            let started = ContinuousClock.now
            let tally = await fuzz(cast: cast, pushers: Array(pushers.prefix(keys)), while: coordinator)
            let names = (0..<keys).map(cast.name)
            let closed = try await waitUntil(probe, coordinator) { nodes in
                names.allSatisfy { nodes[$0] == FuzzCast.closingClientCount }
            }
            let seconds = (ContinuousClock.now - started).seconds
            let counters = try? await probe.counters()
            let alive = coordinator.isRunning
            let memory = ProcessMemory.of(pid: coordinator.pid)
            let rejected = counters?.rejected ?? [:]
            let unclosed = names.filter { closed[$0] != FuzzCast.closingClientCount }
            report = Report(
                messages: tally.sent, keys: keys, seed: seed, seconds: seconds, coordinatorAlive: alive,
                rejected: rejected, accepted: tally.sent - rejected.values.reduce(0, +), expected: tally,
                asExpected: alive && counters != nil && tally.unsent == 0 && unclosed.isEmpty && tally.admits(rejected: rejected),
                unsent: tally.unsent, unclosedKeys: unclosed, received: counters?.received ?? 0)
            report.coordinatorMemory = memory
        } catch {
            await coordinator.stop()
            await loop.shutdown()
            throw FedzError("\(error); the coordinator's log is \(directory.appendingPathComponent("coordinator.log").path)")
        }
        if report.coordinatorAlive { await coordinator.stop() }
        report.coordinatorExitStatus = await coordinator.exitStatus()
        await loop.shutdown()
        if report.asExpected && !keepFiles {
            try? FileManager.default.removeItem(at: directory)
        } else {
            report.log = directory.appendingPathComponent("coordinator.log").path
        }
        return report
    }

    /// Every key sends its share of `inputs`, then its closing hello, as fast as the sockets
    /// take them; all stop when the coordinator dies.
    private func fuzz(cast: FuzzCast, pushers: [Pusher], while coordinator: ChildProcess) async -> FuzzTally {
        let (keys, inputs, seed) = (self.keys, self.inputs, self.seed)
        let sending = Task {
            await withTaskGroup(of: FuzzTally.self) { group in
                for (index, pusher) in pushers.enumerated() {
                    group.addTask {
                        var generator = AdversarialMessages(cast: cast, key: index, seed: seed)
                        var tally = FuzzTally()
                        let count = inputs / keys + (index < inputs % keys ? 1 : 0)
                        for _ in 0..<count {
                            let message = generator.next()
                            do {
                                try await pusher.send(message.frames, timeout: .seconds(120))
                                tally.record(message)
                            } catch {
                                tally.unsent += 1
                                if Task.isCancelled { break }
                            }
                        }
                        try? await pusher.send(generator.closing().frames, timeout: .seconds(120))
                        return tally
                    }
                }
                return await group.reduce(FuzzTally(), +)
            }
        }
        let watchdog = Task {
            while !Task.isCancelled, coordinator.isRunning { try? await Task.sleep(for: .milliseconds(200)) }
            sending.cancel()
        }
        let tally = await sending.value
        watchdog.cancel()
        return tally
    }

    /// Polls the coordinator's live nodes until `done` holds of them; returns the last seen.
    /// Gives up when the coordinator has died, or has shown no progress for `stall`.
    private func waitUntil(
        _ probe: CoordinatorProbe, _ coordinator: ChildProcess, _ done: ([String: Int]) -> Bool
    ) async throws -> [String: Int] {
        var (nodes, last) = ([String: Int](), CoordinatorProbe.Counters())
        var progress = ContinuousClock.now
        while coordinator.isRunning, ContinuousClock.now - progress < Self.stall {
            if let seen = try? await probe.nodes() {
                nodes = seen
                if done(seen) { return seen }
            }
            if let counters = try? await probe.counters(), counters != last { (last, progress) = (counters, .now) }
            try await Task.sleep(for: .milliseconds(250))
        }
        return nodes
    }

    private func generateKeys(in directory: String, nodes: Int) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ExecutableLocation.sibling("fedz"))
        process.arguments = ["keys", "generate", "--out", directory, "--nodes", "\(nodes)"]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw FedzError("fedz keys generate exited with \(process.terminationStatus)") }
    }

    /// Starts `fedz coordinator` on loopback with the keys, waiting for a billion clients for a
    /// million seconds, with heartbeats an hour apart (no key is written off while it waits for
    /// its turn); returns it and its PULL endpoint once it is ready.
    private func startCoordinator(in directory: URL, keys: String, metricsPort: Int) async throws -> (ChildProcess, String) {
        let output = Pipe()
        let process = try ChildProcess(
            name: "coordinator", executable: ExecutableLocation.sibling("fedz"),
            arguments: [
                "coordinator", "--publish", "tcp://127.0.0.1:*", "--pull", "tcp://127.0.0.1:*", "--keys", keys,
                "--state-dir", directory.appendingPathComponent("state").path,
                "--data-dir", DataDirectory.resolve(nil, dataset: "mnist"), "--model", "mlp", "--dataset", "mnist",
                "--expect-clients", "1000000000", "--start-timeout", "1000000", "--heartbeat-interval", "3600",
                "--metrics-port", "\(metricsPort)", "--parent-pid", "\(getpid())",
            ],
            logFile: directory.appendingPathComponent("coordinator.log"), output: output)
        try output.fileHandleForWriting.close()
        for await line in LineReader.lines(of: output) {
            if case .ready(_, let pull, _)? = try? FedzJSON.decoder.decode(CoordinatorEvent.self, from: Data(line.utf8)) {
                return (process, pull)
            }
        }
        await process.stop()
        throw FedzError("the coordinator exited before it was ready; see \(directory.appendingPathComponent("coordinator.log").path)")
    }
}
