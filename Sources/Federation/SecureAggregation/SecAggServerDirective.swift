/// The sum of the quantised inputs of the clients whose masked input arrived.
public struct SecAggSum: Sendable, Equatable {
    /// Σ quantised inputs modulo 2^32 (no wrap-around for at most n inputs).
    public var values: [UInt32]
    /// The clients whose inputs are in the sum, ascending.
    public var contributors: [Int]

    public init(values: [UInt32], contributors: [Int]) {
        self.values = values
        self.contributors = contributors
    }
}

/// Why a round of secure aggregation was given up, and in which stage.
public struct SecAggAbort: Sendable, Equatable {
    public var stage: SecAggServer.Stage
    public var reason: String

    public init(stage: SecAggServer.Stage, reason: String) {
        self.stage = stage
        self.reason = reason
    }
}

/// What the server's shell should do next.
public enum SecAggServerDirective: Sendable, Equatable {
    /// Keep collecting this stage's messages.
    case wait
    /// Stage 2 opened: send each client its key directory.
    case sendKeyDirectories([Int: SecAggKeyDirectory])
    /// Stage 3 opened: send each client the shares addressed to it.
    case sendShareDeliveries([Int: SecAggShares])
    /// Stage 4 opened: ask each contributor for its shares.
    case sendUnmaskRequests([Int: SecAggUnmaskRequest])
    /// The round is over: the unmasked sum.
    case finished(SecAggSum)
    /// The round is over without a sum.
    case aborted(SecAggAbort)
}
