import Actors
import Federation
import FedzProtocol
import Foundation

/// Secure aggregation and differential privacy in the rounds: the open round's
/// `SecureRound` decides; here its events are applied (the unmasking on the compute thread)
/// and its messages sent. The round ends in the unmasked sum applied as FedAvg (or DP-FedAvg),
/// or in an abort that abandons it.
extension RoundRunner {
    /// Advances the secure round: losses, deadlines and re-sends. `.complete` once the
    /// sum is unmasked, `.abandoned` if the round aborted.
    func secureRoundStatus(now: ContinuousClock.Instant) async -> RoundState<ClientUpdate>.Status {
        switch open?.secure?.look() {
        case .finished?: return .complete
        case .aborted(let reason)?: return .abandoned(reason)
        case .running(let event)?:
            try? await drive(event)  // a tick or a dropout never throws
            for request in open?.secure?.dueResends(now: now, every: settings.heartbeatInterval) ?? [] { await send(request) }
            return .collecting
        case .busy?, nil: return .collecting
        }
    }

    /// A node's message for one of its clients in the current session.
    func acceptSecureAggregation(_ envelope: Envelope) async throws(WireError) {
        guard open?.secure != nil else {
            throw WireError(.staleUpdate, "\(envelope.header.kind) from \(envelope.header.sender) outside a secure round")
        }
        try await drive(open!.secure!.event(for: envelope))
    }

    /// Applies `event` to the server and carries out its directive. During unmasking
    /// the event may reconstruct and remove every mask, so it runs on the compute thread;
    /// otherwise it mutates the server in place (a masked input adds to a large sum).
    /// Re-sent messages (`duplicate`) and late ones (`wrong_stage`) are dropped quietly. An event
    /// that comes while the server is on the compute thread waits for it, and is applied then.
    private func drive(_ event: @escaping SecureRound.Event) async throws(WireError) {
        guard open?.secure?.busy == false else {
            open?.secure?.deferred.append(event)
            return
        }
        try await apply(event)
        while let next = open?.secure.flatMap({ $0.busy ? nil : $0.deferred.first }) {
            open?.secure?.deferred.removeFirst()
            do throws(WireError) { try await apply(next) } catch {
                _ = deferredRefusals.record(error.reason)
                logger.warning("message rejected", metadata: ["reason": "\(error.reason)", "detail": "\(error.detail)"])
            }
        }
    }

    private func apply(_ event: @escaping SecureRound.Event) async throws(WireError) {
        guard let server = open?.secure?.server else { return }
        let (stage, session) = (server.stage, server.config.round)
        let outcome: Result<SecAggServerDirective, SecAggError>
        if stage == .unmasking {
            open?.secure?.busy = true
            let now = clock.now
            let result = (try? await compute.run {
                var server = server
                do throws(SecAggError) {
                    let directive = try event(&server, now)
                    return Result<(SecAggServer, SecAggServerDirective), SecAggError>.success((server, directive))
                } catch {
                    return .failure(error)
                }
            }) ?? .failure(SecAggError(.malformed, "the compute thread stopped"))
            // The round may have closed meanwhile; the result belongs to this session only.
            guard open?.secure?.server.config.round == session else { return }
            open?.secure?.busy = false
            outcome = result.map { server, directive in
                open?.secure?.server = server
                return directive
            }
        } else {
            do throws(SecAggError) {
                outcome = .success(try event(&open!.secure!.server, clock.now))
            } catch {
                outcome = .failure(error)
            }
        }
        switch outcome {
        case .success(let directive):
            await carryOut(directive, closing: stage)
        case .failure(let error) where error.kind == .duplicate || error.kind == .wrongStage:
            logger.debug("secure aggregation message dropped", metadata: ["detail": "\(error)"])
        case .failure(let error):
            let reason: WireError.Reason = switch error.kind {
            case .wrongRound: .staleUpdate
            case .unknownParticipant: .unexpected
            default: .badBody
            }
            throw WireError(reason, "secure aggregation: \(error)")
        }
    }

    /// Sends each client its message of the stage that opened, or records the outcome.
    private func carryOut(_ directive: SecAggServerDirective, closing stage: SecAggServer.Stage) async {
        guard open?.secure != nil, directive != .wait else { return }
        let round = open?.round
        let header = { kind in self.header(kind, round: round) }
        let requests = open?.secure?.onDirective(directive, closing: stage, now: clock.now, header: header) ?? []
        logger.info(
            "secure aggregation stage closed",
            metadata: [
                "fedz.round": "\(round ?? 0)", "stage": "\(stage.rawValue)",
                "seconds": "\(open?.secure?.stageSeconds[stage.rawValue] ?? 0)",
            ])
        if open?.secure?.outcome != nil { roundWaker?.yield() }
        for request in requests { await send(request) }
    }

    /// Charges a completed round to the privacy budget at its sampling rate (under privacy the
    /// sample is Poisson at rate C) and records who it sampled; ε so far against an observer of
    /// the released models and against one who knows the samples, or nil without privacy.
    func accountPrivacy(samplingRate: Double, sampled: some Sequence<Int>) -> (epsilon: Double, knownSample: Double)? {
        guard let privacy = settings.privacy else { return nil }
        privacyBudget.charge(samplingRate: samplingRate, noiseMultiplier: privacy.noiseMultiplier, clients: sampled)
        return (privacyBudget.epsilon(delta: privacy.delta),
                privacyBudget.epsilonKnownSample(noiseMultiplier: privacy.noiseMultiplier, delta: privacy.delta))
    }
}
