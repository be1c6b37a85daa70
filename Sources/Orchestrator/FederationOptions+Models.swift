import ArgumentParser
import Learning

extension FederationOptions {
    /// The strategy without `--strategy`: prototype models merge statistics, others average deltas.
    var defaultStrategy: String { ModelZoo.prototypeNames.contains(model) ? "prototype-merge" : "fedavg" }

    /// Prototype models (som, competitive) and `prototype-merge` go only together; their
    /// statistics can be summed securely but are not privatised (DP here clips and noises
    /// deltas). Other models need a strategy that secure aggregation and DP can carry.
    func validateModelStrategy() throws {
        let merges = strategySpec.name == "prototype-merge"
        guard ModelZoo.prototypeNames.contains(model) else {
            if merges { throw ValidationError("--strategy prototype-merge needs a prototype model (som, competitive), not \(model)") }
            try privacy.validate(strategy: strategySpec)
            return
        }
        guard merges, strategySpec.clipNorm == nil else {
            throw ValidationError("model \(model) sends prototype statistics: it needs --strategy prototype-merge (its default), without --clip-norm")
        }
        guard privacy.privacy == nil else {
            throw ValidationError("model \(model) does not support --dp-noise: differential privacy here clips and noises deltas, not prototype statistics")
        }
    }
}
