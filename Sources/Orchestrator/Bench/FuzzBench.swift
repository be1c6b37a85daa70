import ArgumentParser
import Federation
import Foundation

/// `fedz bench fuzz`: feeds seeded mutations of valid messages to the wire decoder and
/// prints what happened as JSON. Any crash ends the process; a hang shows as a large
/// `slowestSeconds`. With `--authenticated`, fuzzes a real coordinator through its encrypted
/// sockets instead (`AuthenticatedFuzz`), and fails unless it survives with the counts expected.
struct FuzzBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuzz", abstract: "Fuzz the wire decoder with seeded mutations of valid messages.",
        discussion: """
            --authenticated starts a coordinator and has --keys-count allow-listed keys send it valid \
            envelopes with adversarial fields; it prints the coordinator's rejections by reason beside \
            the generator's expectations, and exits non-zero if the coordinator died or counted otherwise.
            """)

    @Option(help: "Number of fuzzed messages.")
    var inputs = 1_000_000

    @Option(help: "Seed of the mutations.")
    var seed: UInt64 = 1

    @Flag(help: "Fuzz a running coordinator through CURVE sockets from allow-listed keys.")
    var authenticated = false

    @Option(help: "With --authenticated: allow-listed keys that send (each at most \(Self.messagesPerKey) messages, within its quota).")
    var keysCount = 100

    @Flag(help: "With --authenticated: keep the keys, the coordinator's log and registry (they are kept anyway when it fails).")
    var keepFiles = false

    /// Messages one key may send: below the coordinator's burst of `RequestQuota.messages`,
    /// with room for its closing hello.
    static let messagesPerKey = 19_000

    func validate() throws {
        guard inputs >= 0 else { throw ValidationError("--inputs must not be negative") }
        guard authenticated else { return }
        guard (1...1_000).contains(keysCount) else { throw ValidationError("--keys-count must be in 1…1000") }
        guard (inputs + keysCount - 1) / keysCount <= Self.messagesPerKey else {
            throw ValidationError("\(inputs) messages from \(keysCount) keys pass \(Self.messagesPerKey) per key: add keys")
        }
    }

    func run() async throws {
        guard authenticated else { return try fuzzDecoder() }
        let report = try await AuthenticatedFuzz(inputs: inputs, keys: keysCount, seed: seed, keepFiles: keepFiles).run()
        print(report.json)
        if !report.asExpected { throw ExitCode.failure }
    }

    private func fuzzDecoder() throws {
        let clock = ContinuousClock()
        var report = WireFuzzing.Report()
        let elapsed = try clock.measure { report = try WireFuzzing.run(inputs: inputs, seed: seed) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var line = String(decoding: try encoder.encode(report), as: UTF8.self)
        line.removeLast()
        print(line + ",\"bench\":\"fuzz\",\"seed\":\(seed),\"seconds\":\(elapsed.seconds)}")
    }
}
