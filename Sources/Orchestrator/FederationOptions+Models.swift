import ArgumentParser
import Learning

extension FederationOptions {
    /// The strategy without `--strategy`: prototype models merge statistics, others average deltas.
    var defaultStrategy: String { ModelZoo.prototypeNames.contains(model) ? "prototype-merge" : "fedavg" }

    /// Prototype models (som, competitive) and `prototype-merge` go only together, and their
    /// statistics travel in the clear: SecAgg+ and DP here carry sample-weighted deltas.
    func validateModelStrategy() throws {
        let merges = strategySpec.name == "prototype-merge"
        guard ModelZoo.prototypeNames.contains(model) else {
            if merges { throw ValidationError("--strategy prototype-merge needs a prototype model (som, competitive), not \(model)") }
            return
        }
        guard merges, strategySpec.clipNorm == nil else {
            throw ValidationError("model \(model) sends prototype statistics: it needs --strategy prototype-merge (its default), without --clip-norm")
        }
        guard !privacy.secureAggregation, privacy.privacy == nil else {
            throw ValidationError(
                "model \(model) does not support --secure-aggregation or --dp-noise yet: their sums carry "
                    + "sample-weighted deltas, not prototype statistics")
        }
    }
}
