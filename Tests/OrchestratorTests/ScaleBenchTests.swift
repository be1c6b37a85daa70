import Federation
import Testing

@testable import Orchestrator

@Suite struct ScaleBenchTests {
    @Test func parsesAConfigurationAndItsRoundFraction() throws {
        let configuration = try ScaleConfiguration("10000x100x100")
        #expect(configuration == ScaleConfiguration(clients: 10_000, nodes: 100, perRound: 100))
        #expect(ClientSampler.sampleSize(available: 10_000, fraction: configuration.fraction) == 100)
    }

    @Test(arguments: ["100x10", "10x100x5", "100x0x10", "100x10x0", "100x10x200", "axbxc"])
    func refusesConfigurationsThatCannotRun(_ text: String) {
        #expect(throws: PlanError.self) { try ScaleConfiguration(text) }
    }

    @Test func readsResidentAndPeakMemoryFromAProcStatusFile() {
        let status = "Name:\tfedz\nVmPeak:\t  900 kB\nVmHWM:\t   2048 kB\nVmRSS:\t   1024 kB\nThreads:\t5\n"
        #expect(ProcessMemory(status: status) == ProcessMemory(resident: 1_048_576, peak: 2_097_152))
        #expect(ProcessMemory(status: "Name:\tzombie\n") == nil)
    }

    @Test func theOverheadIsTheCoordinatorsShareOfTheMeanRound() throws {
        func result(_ round: Int, _ phases: RoundPhaseSeconds) -> RoundResult {
            RoundResult(
                round: round, modelVersion: round, participants: 10, sampled: 10, trainLoss: 1, testLoss: 1,
                testAccuracy: 0.5, seconds: phases.total, phases: phases)
        }
        let phases = try #require(ScalePhases([
            result(2, RoundPhaseSeconds(
                broadcast: 0.1, training: 3, collection: 1, aggregation: 0.2, recording: 0.1, handling: 0.1, evaluation: 0.05)),
            result(3, RoundPhaseSeconds(
                broadcast: 0.1, training: 2, collection: 1, aggregation: 0.3, recording: 0.2, handling: 0.1, evaluation: 0.07)),
        ]))
        #expect(phases.rounds == 2)
        #expect(abs(phases.seconds - 4.0) < 1e-9)
        #expect(abs(phases.aggregation - 0.25) < 1e-9)
        #expect(abs(phases.recording - 0.15) < 1e-9)
        #expect(abs(phases.evaluation - 0.06) < 1e-9, "evaluation overlaps the next round: not in the round's seconds")
        #expect(abs(phases.overheadFraction - 0.5 / 4.0) < 1e-9)
        #expect(abs(phases.workFraction - 0.6 / 4.0) < 1e-9)
        #expect(ScalePhases([]) == nil)
    }
}
