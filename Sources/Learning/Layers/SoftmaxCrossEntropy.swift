import Foundation

/// Softmax over each row of a [batch, classes] logits tensor followed by cross-entropy
/// against integer labels. Losses are accumulated in Double.
final class SoftmaxCrossEntropy {
    /// Summed loss and number of correct arg-max predictions over one batch.
    struct BatchResult: Equatable {
        var lossSum: Double
        var correct: Int
    }

    /// Softmax probabilities of the last `forward`, kept for `backward`.
    private(set) var probabilities = Tensor(zeros: [0, 0])
    /// dMeanLoss/dLogits written by `backward`.
    private(set) var gradient = Tensor(zeros: [0, 0])

    /// Computes the softmax of every row and returns the batch's summed loss and correct count.
    func forward(logits: Tensor, labels: ArraySlice<Int32>) -> BatchResult {
        labels.withUnsafeBufferPointer { forward(logits: logits, labels: $0) }
    }

    /// Writes the gradient of the batch's mean loss: (softmax − one-hot) / batch.
    func backward(labels: ArraySlice<Int32>) {
        labels.withUnsafeBufferPointer { backward(labels: $0, meanOver: $0.count) }
    }

    /// Computes the softmax of every row (one row per label) and returns the summed loss and correct count.
    func forward(logits: Tensor, labels: UnsafeBufferPointer<Int32>) -> BatchResult {
        let batch = labels.count
        let classes = logits.count / max(batch, 1)
        probabilities.resize(to: [batch, classes])
        var result = BatchResult(lossSum: 0, correct: 0)
        logits.values.withUnsafeBufferPointer { z in
            probabilities.values.withUnsafeMutableBufferPointer { p in
                for row in 0..<batch {
                    let zRow = z.baseAddress! + row * classes
                    let pRow = p.baseAddress! + row * classes
                    var best = 0
                    for j in 1..<classes where zRow[j] > zRow[best] { best = j }
                    let maximum = zRow[best]
                    var sum = 0.0
                    for j in 0..<classes {
                        let e = Foundation.exp(Double(zRow[j] - maximum))
                        pRow[j] = Float(e)
                        sum += e
                    }
                    let scale = 1 / sum
                    for j in 0..<classes { pRow[j] = Float(Double(pRow[j]) * scale) }
                    let label = Int(labels[row])
                    result.lossSum += Foundation.log(sum) - Double(zRow[label] - maximum)
                    if best == label { result.correct += 1 }
                }
            }
        }
        return result
    }

    /// Writes the gradient of the summed loss divided by `meanOver`: (softmax − one-hot) / meanOver.
    /// `meanOver` exceeds `labels.count` when this is one shard of a larger batch.
    func backward(labels: UnsafeBufferPointer<Int32>, meanOver: Int) {
        let batch = labels.count
        gradient.resize(to: probabilities.shape)
        let classes = probabilities.count / max(batch, 1)
        let scale = 1 / Float(meanOver)
        probabilities.values.withUnsafeBufferPointer { p in
            gradient.values.withUnsafeMutableBufferPointer { g in
                for i in 0..<p.count { g[i] = p[i] * scale }
                do {
                    for row in 0..<batch { g[row * classes + Int(labels[row])] -= scale }
                }
            }
        }
    }
}
