/// What one batch step of a prototype map (batch SOM, or Lloyd's k-means step when the
/// radius is 0) needs from a data set, per unit: the neighbourhood-weighted sum of the
/// samples, the total neighbourhood weight, and how many samples of each class it wins.
/// All three add up across disjoint data sets, which is what lets nodes compute them on
/// their own data and the coordinator (or secure aggregation) simply add them.
public struct PrototypeStatistics: Sendable, Equatable {
    /// units × features: Σ h(unit, winner(x))·x.
    public var sums: [Float]
    /// units: Σ h(unit, winner(x)).
    public var weights: [Float]
    /// units × classes: samples of each class the unit wins.
    public var votes: [Float]

    public init(sums: [Float], weights: [Float], votes: [Float]) {
        (self.sums, self.weights, self.votes) = (sums, weights, votes)
    }

    /// The statistics of `data` on `map` at neighbourhood `radius`, and the samples' best matches.
    public init(map: PrototypeMap, data: LabeledData, radius: Float, classCount: Int, matches: [BestMatch]? = nil) {
        let (units, features) = (map.unitCount, map.features)
        let matches = matches ?? map.bestMatches(in: data)
        // Per winner first (sum of the samples it wins and their count), then spread over the grid.
        var winnerSums = [Float](repeating: 0, count: units * features)
        var wins = [Float](repeating: 0, count: units)
        var votes = [Float](repeating: 0, count: units * classCount)
        let labels = data.sampleLabels
        for (sample, match) in matches.enumerated() {
            wins[match.first] += 1
            votes[match.first * classCount + Int(labels[sample])] += 1
            let base = match.first * features
            for index in 0..<features { winnerSums[base + index] += data.features[sample * features + index] }
        }
        var sums = [Float](repeating: 0, count: units * features)
        var weights = [Float](repeating: 0, count: units)
        for unit in 0..<units {
            for winner in 0..<units where wins[winner] > 0 {
                let h = map.neighbourhood(of: unit, around: winner, radius: radius)
                guard h > 0 else { continue }
                weights[unit] += h * wins[winner]
                for index in 0..<features { sums[unit * features + index] += h * winnerSums[winner * features + index] }
            }
        }
        self.init(sums: sums, weights: weights, votes: votes)
    }

    /// `map` with each unit's prototype replaced by sums / weight; a unit whose weight is 0
    /// (no sample near it) keeps its prototype.
    public func merged(into map: PrototypeMap) -> PrototypeMap {
        var next = map
        for unit in 0..<map.unitCount where weights[unit] > 0 {
            for index in 0..<map.features {
                next.prototypes[unit * map.features + index] = sums[unit * map.features + index] / weights[unit]
            }
        }
        return next
    }
}
