import Federation

extension Coordinator {
    /// The round's clients and how many results it needs. Without privacy: a fraction C of the
    /// clients (at least `--min-clients`) from the seeded generator, uniformly or stratified.
    /// Under privacy: each client with probability C from the cryptographic generator (Poisson
    /// sampling, which the accountant's amplification assumes, and which nobody can predict),
    /// needing at most as many results as it sampled; an empty sample releases noise only.
    func sampleRound(_ directory: ClientDirectory) -> (assignments: [String: [Int]], minimumResults: Int) {
        guard settings.privacy != nil else {
            currentSamplingRate = ClientSampler.largestInclusionProbability(
                directory, fraction: settings.fraction, minimum: settings.minimumClients, mode: settings.sampling)
            let assignments = ClientSampler.sample(
                directory, fraction: settings.fraction, minimum: settings.minimumClients, mode: settings.sampling,
                using: &generator)
            return (assignments, settings.minimumClients)
        }
        currentSamplingRate = settings.fraction
        currentExpectedClients = settings.fraction * Double(directory.count)
        let assignments = ClientSampler.poisson(directory, rate: settings.fraction, using: &privacyRandom)
        return (assignments, min(settings.minimumClients, assignments.values.reduce(0) { $0 + $1.count }))
    }
}
