import Federation
import FedzProtocol
import Learning

/// The model versions a node holds and what the coordinator says to serve, as a pure state
/// machine: a published version is kept only when it matches its announced hash, only the
/// versions still needed are kept (the round's, production's, the candidate's and the newest),
/// and a missing version is asked for at most once per `requestInterval`. Time is passed in;
/// nothing here sends or logs.
struct ModelShelf: Sendable {
    /// What the shell should do about a coordinator status.
    enum Directive: Sendable, Equatable {
        /// Serving moves to this production version (worth a log line).
        case newProduction(version: Int)
        /// Send a `model_request` for this version.
        case request(version: Int)
    }

    /// A held version the node serves or evaluates.
    struct Served: Sendable, Equatable {
        var version: Int
        var weights: [Tensor]
    }

    let architecture: String
    let specs: [ParameterSpec]
    /// Whether the node evaluates each newest version (it holds samples out): then it asks for
    /// the status's `latest` too.
    let evaluatesLatest: Bool
    let requestInterval: Duration
    /// Versions received, checked against their announced hashes.
    private(set) var models: [Int: (hash: String, weights: [Tensor])] = [:]
    /// What the coordinator says to serve (production) and evaluate (candidate).
    private(set) var serving: CoordinatorStatus?
    private var lastRequest: (version: Int, at: ContinuousClock.Instant)?

    init(architecture: String, specs: [ParameterSpec], evaluatesLatest: Bool = false, requestInterval: Duration = .seconds(1)) {
        self.architecture = architecture
        self.specs = specs
        self.evaluatesLatest = evaluatesLatest
        self.requestInterval = requestInterval
    }

    /// The weights of `version` if the node holds it with this hash.
    func weights(version: Int, hash: String) -> [Tensor]? {
        models[version].flatMap { $0.hash == hash ? $0.weights : nil }
    }

    /// A published model: kept if it is for this node's architecture, decodes against its specs
    /// and matches its hash. True when it is a version (or hash) the node did not hold.
    /// `roundVersion` is the version the pending round trains, which pruning keeps.
    mutating func onModel(_ envelope: Envelope, roundVersion: Int?) throws(WireError) -> Bool {
        let announcement = try envelope.body(ModelAnnouncement.self)
        guard let version = envelope.header.modelVersion, announcement.architecture == architecture else {
            throw WireError(.unexpected, "model for \(announcement.architecture), this node trains \(architecture)")
        }
        guard models[version]?.hash != announcement.hash else { return false }
        let weights = try ModelCodec.tensors(envelope.tensors, matching: specs)
        guard ModelCodec.contentHash(weights) == announcement.hash else {
            throw WireError(.checksum, "model \(version) does not match its hash")
        }
        models[version] = (announcement.hash, weights)
        prune(roundVersion: roundVersion)
        return true
    }

    /// The coordinator's status: what to serve from now on, and the versions to ask for.
    mutating func onStatus(_ status: CoordinatorStatus, roundVersion: Int?, now: ContinuousClock.Instant) -> [Directive] {
        var directives: [Directive] = []
        if let production = status.production, production.version != serving?.production?.version {
            directives.append(.newProduction(version: production.version))
        }
        serving = status
        prune(roundVersion: roundVersion)
        let wanted = [status.production, status.candidate, evaluatesLatest ? status.latest : nil].compactMap { $0 }
        for model in wanted where models[model.version]?.hash != model.hash {
            if onMissing(version: model.version, now: now) { directives.append(.request(version: model.version)) }
        }
        return directives
    }

    /// The node lacks `version`: true when a request should go out, false when the same
    /// version was asked for less than `requestInterval` ago.
    mutating func onMissing(version: Int, now: ContinuousClock.Instant) -> Bool {
        if let last = lastRequest, last.version == version, now - last.at < requestInterval { return false }
        lastRequest = (version, now)
        return true
    }

    /// The coordinator restarted: a request to the old one no longer holds back a new one.
    mutating func onCoordinatorRestarted() {
        lastRequest = nil
    }

    /// What to evaluate in the field: the production version when it is held with its hash,
    /// and the candidate when there is one, held with its hash.
    func fieldModels() -> (production: Served, candidate: Served?)? {
        guard let production = serving?.production, let weights = weights(version: production.version, hash: production.hash)
        else { return nil }
        let candidate = serving?.candidate.flatMap { candidate in
            self.weights(version: candidate.version, hash: candidate.hash).map { Served(version: candidate.version, weights: $0) }
        }
        return (Served(version: production.version, weights: weights), candidate)
    }

    /// The newest version, to evaluate on the held-out samples, when the node holds it with its hash.
    func latestModel() -> Served? {
        guard let latest = serving?.latest, let weights = weights(version: latest.version, hash: latest.hash) else { return nil }
        return Served(version: latest.version, weights: weights)
    }

    /// Keeps only the versions still needed: the round's, production's, the candidate's, the
    /// coordinator's latest and the newest received.
    mutating func prune(roundVersion: Int?) {
        let newest = models.keys.max()
        let keep = Set([roundVersion, serving?.production?.version, serving?.candidate?.version, serving?.latest?.version, newest]
            .compactMap { $0 })
        models = models.filter { keep.contains($0.key) }
    }
}
