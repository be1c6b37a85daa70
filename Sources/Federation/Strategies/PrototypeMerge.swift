import Learning

/// Merges the updates of a prototype model (`ModelZoo.prototypeNames`): the clients'
/// statistics are added up element-wise and each unit's prototype becomes its summed
/// neighbourhood-weighted sample sum over its summed weight (batch SOM), keeping the old
/// prototype where no sample was near the unit. The units keep their grid places, so the
/// map keeps its topology. Sample counts play no part: the weights already count samples.
public struct PrototypeMerge: Strategy {
    public let name = "prototype-merge"

    public init() {}

    public func aggregate(global: [Tensor], updates: [ClientUpdate]) -> [Tensor] {
        let sum = DeltaVector.sum(updates.map { DeltaVector.flatten($0.delta) })
        return PrototypeLearner.merge(global: global, summedUpdates: DeltaVector.unflatten(sum, like: global))
    }
}
