import Foundation
import Learning
import ModelOps
import Synchronization

/// A fresh temporary state directory, removed by `remove()`.
struct TemporaryDirectory {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("fedz-modelops-\(UUID().uuidString)")

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// A clock that the test moves: starts at a whole second, advances one second per reading.
final class SteppingClock: Sendable {
    private let start = Date(timeIntervalSince1970: 1_750_000_000)
    private let readings = Mutex(0)

    var now: @Sendable () -> Date {
        { [self] in readings.withLock { count in
            defer { count += 1 }
            return start.addingTimeInterval(Double(count))
        } }
    }
}

/// Seeded weights of a small two-layer model.
func weights(seed: UInt64) -> [Tensor] {
    var generator = SeededGenerator(seed: seed)
    return [[4, 3], [3], [3, 2], [2]].map { shape in
        Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in Float.random(in: -1...1, using: &generator) })
    }
}

func draft(parent: Int?, round: Int, accuracy: Double? = nil) -> VersionDraft {
    VersionDraft(
        parent: parent, round: round, architecture: "mlp", strategy: "fedavg", config: #"{"lr":0.05}"#,
        metrics: TrainingMetrics(testAccuracy: accuracy, loss: 0.3, participants: 10))
}
