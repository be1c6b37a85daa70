import Foundation

/// Data-parallel training steps: a batch is cut into up to `threads` shards, each run forward and
/// backward on its own replica of the model (sharing the master's parameter values, with
/// gradients of its own) on its own thread; the replicas' gradients are then summed into the
/// master's. Every buffer is reused from step to step.
final class DataParallel {
    /// The model being trained, followed by its replicas.
    private let models: [Sequential]
    private let losses: [SoftmaxCrossEntropy]
    /// One result per shard of the current step.
    private let results: UnsafeMutablePointer<SoftmaxCrossEntropy.BatchResult>
    /// The batch's labels, shard after shard; grown when a larger batch arrives.
    private var labels: UnsafeMutableBufferPointer<Int32>

    init(_ model: Sequential, threads: Int) {
        models = [model] + (1..<max(threads, 1)).map { _ in model.replica() }
        losses = models.map { _ in SoftmaxCrossEntropy() }
        results = .allocate(capacity: models.count)
        results.initialize(repeating: .init(lossSum: 0, correct: 0), count: models.count)
        labels = .allocate(capacity: 0)
    }

    deinit {
        results.deallocate()
        labels.deallocate()
    }

    /// The trained model.
    var master: Sequential { models[0] }

    /// Runs one batch of `batch` samples forward and backward, leaving the master's gradients set
    /// to those of the batch's mean loss. `fill(shardStart, shardCount, input, labels)` writes
    /// samples shardStart..<shardStart+shardCount of the batch and their labels.
    func step(batch: Int, labelsPerSample: Int,
              fill: (Int, Int, UnsafeMutableBufferPointer<Float>, UnsafeMutableBufferPointer<Int32>) -> Void)
        -> SoftmaxCrossEntropy.BatchResult {
        withoutActuallyEscaping(fill) { fill in run(batch: batch, labelsPerSample: labelsPerSample, fill: fill) }
    }

    private func run(batch: Int, labelsPerSample: Int,
                     fill: @escaping (Int, Int, UnsafeMutableBufferPointer<Float>, UnsafeMutableBufferPointer<Int32>) -> Void)
        -> SoftmaxCrossEntropy.BatchResult {
        let shards = min(models.count, batch)
        let meanOver = batch * labelsPerSample
        if labels.count < meanOver {
            labels.deallocate()
            labels = .allocate(capacity: meanOver)
        }
        let (models, losses, results, labels) = (models, losses, results, labels)
        // Safe to run concurrently: shards touch disjoint label ranges and result slots and replicas of
        // their own, read the shared parameter values only, and concurrentPerform returns after all finish.
        nonisolated(unsafe) let work = { (shard: Int) in
            let start = batch * shard / shards, count = batch * (shard + 1) / shards - start
            let model = models[shard], loss = losses[shard]
            let shardLabels = UnsafeMutableBufferPointer(rebasing: labels[(start * labelsPerSample)..<((start + count) * labelsPerSample)])
            model.forward(batch: count, training: true) { input in fill(start, count, input, shardLabels) }
            results[shard] = loss.forward(logits: model.output, labels: UnsafeBufferPointer(shardLabels))
            loss.backward(labels: UnsafeBufferPointer(shardLabels), meanOver: meanOver)
            model.backward(outputGradient: loss.gradient)
        }
        if shards == 1 {
            work(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: shards) { work($0) }
            sumGradients(of: shards)
        }
        return (0..<shards).reduce(into: .init(lossSum: 0, correct: 0)) {
            $0.lossSum += results[$1].lossSum
            $0.correct += results[$1].correct
        }
    }

    /// Adds the gradients of the replicas that ran shards 1..<shards to the master's.
    private func sumGradients(of shards: Int) {
        for replica in models[1..<shards] {
            for (summed, parameter) in zip(master.trainable, replica.trainable) {
                summed.gradient.values.withUnsafeMutableBufferPointer { total in
                    parameter.gradient.values.withUnsafeBufferPointer { gradient in
                        let (count, total, gradient) = (total.count, total.baseAddress!, gradient.baseAddress!)
                        forEachPart(of: count) { range in
                            LinearAlgebra.axpy(count: range.count, alpha: 1, x: gradient + range.lowerBound,
                                               y: total + range.lowerBound)
                        }
                    }
                }
            }
        }
    }

    /// Runs `update(index, value, gradient, elements)` over the elements of each of the master's
    /// parameters (an optimizer step), with the replicas' shared references released first so the
    /// values are updated in place, not copied. A large parameter is updated by every thread,
    /// each on its own range of elements.
    func updateParameters(
        _ update: (Int, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, Range<Int>) -> Void
    ) {
        for replica in models.dropFirst() { replica.releaseParameterValues() }
        master.trainable.forEachStorage { index, value, gradient, count in
            forEachPart(of: count) { update(index, value, gradient, $0) }
        }
        for replica in models.dropFirst() { replica.shareParameterValues(of: master) }
    }

    /// Parameters with fewer elements than this are summed and updated on the calling thread: a
    /// hand-off to the other threads costs more than the work.
    static let partedElements = 1 << 16

    /// Calls `body` with ranges covering 0..<count: the whole range on this thread for a small
    /// count, else one range per thread, concurrently (contiguous, disjoint, within one in length).
    private func forEachPart(of count: Int, _ body: (Range<Int>) -> Void) {
        let parts = models.count
        guard parts > 1, count >= Self.partedElements else { return body(0..<count) }
        withoutActuallyEscaping(body) { body in
            // Safe: the parts are disjoint element ranges, and concurrentPerform returns after all finish.
            nonisolated(unsafe) let body = body
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                body((count * part / parts)..<(count * (part + 1) / parts))
            }
        }
    }
}
