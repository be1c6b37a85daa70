extension PrototypeMap {
    /// The online unsupervised loop: presents every sample of `data` once per epoch in a
    /// shuffled order (from `seed`), each moving its winner (and, with a radius, the winner's
    /// grid neighbours) toward it, with the rate and radius of `schedule` at that epoch; stops
    /// after the first epoch in which no weight moved by more than `tolerance`, or after
    /// `maxEpochs`. Returns the epochs run.
    @discardableResult
    public mutating func train(on data: LabeledData, schedule: MapSchedule, tolerance: Float, maxEpochs: Int,
                               seed: UInt64) -> Int {
        precondition(data.featureSize == features, "train: \(data.featureSize) features, the map has \(features)")
        var generator = SeededGenerator(seed: seed)
        var order = Array(0..<data.count)
        for epoch in 0..<maxEpochs {
            order.shuffle(using: &generator)
            let (rate, radius) = (schedule.rate(at: epoch), schedule.radius(at: epoch))
            var largest: Float = 0
            for sample in order {
                let row = data.features[(sample * features)..<((sample + 1) * features)]
                largest = max(largest, present(row, rate: rate, radius: radius))
            }
            if largest <= tolerance { return epoch + 1 }
        }
        return maxEpochs
    }
}
