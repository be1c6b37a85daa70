/// How well a prototype map fits a labelled data set.
public struct MapQuality: Sendable, Equatable {
    /// Mean Euclidean distance from a sample to its best-matching prototype.
    public var quantizationError: Double
    /// Fraction of samples whose two best-matching units are not adjacent on the grid
    /// (rows and columns within 1, diagonals included).
    public var topographicError: Double
    /// Fraction of samples whose best-matching unit's label is theirs; an unlabelled unit is always wrong.
    public var accuracy: Double

    public init(quantizationError: Double, topographicError: Double, accuracy: Double) {
        (self.quantizationError, self.topographicError, self.accuracy) = (quantizationError, topographicError, accuracy)
    }

    /// The quality of `map` on `data`, units labelled by `unitLabels` (nil: no label).
    public init(map: PrototypeMap, data: LabeledData, unitLabels: [Int?], matches: [BestMatch]? = nil) {
        precondition(unitLabels.count == map.unitCount, "MapQuality: one label per unit")
        let matches = matches ?? map.bestMatches(in: data)
        guard !matches.isEmpty else {
            self.init(quantizationError: 0, topographicError: 0, accuracy: 0)
            return
        }
        let labels = data.sampleLabels
        var distance = 0.0, broken = 0, correct = 0
        for (sample, match) in matches.enumerated() {
            distance += Double(match.squaredDistance).squareRoot()
            if map.unitCount > 1, !map.areAdjacent(match.first, match.second) { broken += 1 }
            if unitLabels[match.first] == Int(labels[sample]) { correct += 1 }
        }
        let count = Double(matches.count)
        self.init(quantizationError: distance / count, topographicError: Double(broken) / count, accuracy: Double(correct) / count)
    }

    /// Each unit's label by majority vote (ties to the lower class), nil for a unit that won no sample;
    /// `votes` is units × `classCount` win counts (`PrototypeStatistics.votes`).
    public static func majorityLabels(votes: [Float], classCount: Int) -> [Int?] {
        stride(from: 0, to: votes.count, by: classCount).map { start in
            let row = votes[start..<(start + classCount)]
            guard let best = row.indices.max(by: { row[$0] < row[$1] || (row[$0] == row[$1] && $0 > $1) }),
                  row[best] > 0 else { return nil }
            return best - start
        }
    }
}
