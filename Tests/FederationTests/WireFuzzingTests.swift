import FedzProtocol
import Testing

@testable import Federation

@Suite struct WireFuzzingTests {
    @Test func theCorpusDecodesCleanly() throws {
        for frames in try WireFuzzing.corpus() {
            #expect(WireFuzzing.decodeFully(frames) == nil)
        }
    }

    /// 20,000 mutated messages (the bench runs 10^6): every one decodes or is
    /// rejected with a reason, and mutations reach many rejection classes.
    @Test func mutatedMessagesAreDecodedOrRejectedWithAReason() throws {
        let report = try WireFuzzing.run(inputs: 20_000, seed: 11)
        #expect(report.inputs == 20_000)
        #expect(report.accepted + report.rejected.values.reduce(0, +) == report.inputs)
        #expect(report.accepted > 0)
        for reason in ["malformed", "bad_header", "wrong_version", "frame_count", "truncated", "bad_body"] {
            #expect((report.rejected[reason] ?? 0) > 0, "\(reason): \(report.rejected)")
        }
        // A hang never ends; a decode preempted on a loaded machine takes a second or so.
        #expect(report.slowestSeconds < 30, "no decode hangs")
    }

    @Test func sameSeedSameReport() throws {
        let a = try WireFuzzing.run(inputs: 2_000, seed: 5)
        let b = try WireFuzzing.run(inputs: 2_000, seed: 5)
        #expect(a.accepted == b.accepted && a.rejected == b.rejected)
    }
}
