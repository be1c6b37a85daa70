import Actors
import Federation
import FedzProtocol
import Foundation
import Learning

/// Secure aggregation and differential privacy in the coordinator: each secure round
/// runs a `SecAggServer` whose directives are carried out here (messages routed to the
/// node hosting each client, re-sent until answered), and ends in the unmasked sum
/// applied as FedAvg (or DP-FedAvg), or in an abort that abandons the round.
extension Coordinator {
    /// Fills the privacy parameters into the round start just made and, for a secure
    /// round, opens its SecAgg+ session among the sampled clients.
    func beginSecureRound(now: ContinuousClock.Instant) throws {
        guard var start = currentStart else { return }
        start.privacy = settings.privacy
        defer { currentStart = start }
        guard let secure = settings.secureAggregation else { return }
        var hosts: [Int: (node: String, samples: Int)] = [:]
        for (node, clients) in start.assignments {
            let samples = Dictionary((membership.nodes[node] ?? []).map { ($0.id, $0.samples) }, uniquingKeysWith: { first, _ in first })
            for client in clients { hosts[client] = (node, samples[client] ?? 0) }
        }
        secureSessions += 1
        let config = secure.config(
            session: secureSessions, participants: Array(hosts.keys), vectorLength: specs.reduce(1) { $0 + $1.count },
            graphSeed: settings.seed ^ (UInt64(secureSessions) &* 0x9E37_79B9_7F4A_7C15),
            stageTimeout: max(10, 10 * settings.heartbeatInterval.seconds), inputTimeout: settings.roundTimeout.seconds)
        let sampleTotal = hosts.values.reduce(0) { $0 + $1.samples }
        start.secureAggregation = config
        start.sampleTotal = sampleTotal
        let server: SecAggServer
        do {
            server = try SecAggServer(config: config, now: now)
        } catch {
            throw FedzError("round \(start.round) cannot aggregate securely among \(hosts.count) client(s): \(error)")
        }
        secureRound = SecureRound(
            server: server,
            aggregation: SecureFedAvg(
                config: config, sampleTotal: sampleTotal, privacy: settings.privacy,
                mergesPrototypes: ModelZoo.prototypeNames.contains(settings.model),
                expectedClients: settings.privacy == nil ? nil : currentExpectedClients),
            hosts: hosts,
            now: now)
    }

    /// Advances the secure round: losses, deadlines and re-sends. `.complete` once the
    /// sum is unmasked, `.abandoned` if the round aborted.
    func secureRoundStatus(now: ContinuousClock.Instant) async -> RoundState<ClientUpdate>.Status {
        guard secureRound?.busy == false else { return .collecting }
        switch secureRound?.outcome {
        case .finished?:
            return .complete
        case .aborted(let abort)?:
            secureRound = nil
            return .abandoned("secure aggregation aborted at \(abort.stage.rawValue): \(abort.reason)")
        default:
            break
        }
        let lost = secureRound?.newlyLost ?? []
        secureRound?.newlyLost = []
        // Neither event throws.
        if lost.isEmpty {
            try? await drive { @Sendable server, now in server.onTick(now: now) }
        } else {
            try? await drive { @Sendable server, now in server.onDropout(lost, now: now) }
        }
        for request in secureRound?.dueResends(now: now, every: settings.heartbeatInterval) ?? [] { await send(request) }
        return .collecting
    }

    /// Writes off the clients of a dead node; the round loop tells the server.
    func secureNodeLost(_ node: String) {
        secureRound?.onNodeLost(node)
    }

    /// A node's message for one of its clients in the current session.
    func acceptSecureAggregation(_ envelope: Envelope) async throws(WireError) {
        let header = envelope.header
        guard let config = secureRound?.server.config else {
            throw WireError(.staleUpdate, "\(header.kind) from \(header.sender) outside a secure round")
        }
        let client: Int
        let session: Int
        let event: @Sendable (inout SecAggServer, ContinuousClock.Instant) throws(SecAggError) -> SecAggServerDirective
        switch header.kind {
        case .secaggKeys:
            let keys = try envelope.body(SecAggPublicKeys.self)
            (client, session) = (keys.client, keys.round)
            event = { server, now throws(SecAggError) in try server.onKeys(keys, now: now) }
        case .secaggShares:
            let upload = try envelope.body(SecAggShares.self)
            (client, session) = (upload.client, upload.round)
            event = { server, now throws(SecAggError) in try server.onShares(upload, now: now) }
        case .secaggMaskedInput:
            let report = try envelope.body(MaskedInputReport.self)
            let length = config.vectorLength
            guard envelope.tensors.count == 1, let tensor = envelope.tensors.first, tensor.name == MaskedInputReport.tensorName,
                  tensor.dtype == WireFormat.uint32, tensor.shape == [length]
            else { throw WireError(.badShape, "masked input of client \(report.client) is not one uint32 tensor [\(length)]") }
            (client, session) = (report.client, report.round)
            if let loss = report.trainLoss, loss.isFinite, secureRound?.server.masked.contains(client) == false {
                secureRound?.trainLosses[client] = loss
            }
            let input = SecAggMaskedInput(round: report.round, client: report.client, values: tensor.words)
            event = { server, now throws(SecAggError) in try server.onMaskedInput(input, now: now) }
        default:
            let reply = try envelope.body(SecAggUnmaskReply.self)
            (client, session) = (reply.client, reply.round)
            event = { server, now throws(SecAggError) in try server.onUnmaskReply(reply, now: now) }
        }
        guard session == config.round else {
            throw WireError(.staleUpdate, "\(header.kind) of client \(client) for session \(session), this is \(config.round)")
        }
        guard secureRound?.hosts[client]?.node == header.sender else {
            throw WireError(.unexpected, "\(header.kind) of client \(client), not sampled on \(header.sender)")
        }
        try await drive(event)
    }

    /// Applies `event` to the server and carries out its directive. During unmasking
    /// the event may reconstruct and remove every mask, so it runs on the compute thread;
    /// otherwise it mutates the server in place (a masked input adds to a large sum).
    /// Re-sent messages (`duplicate`) and late ones (`wrong_stage`) are dropped quietly.
    private func drive(
        _ event: @escaping @Sendable (inout SecAggServer, ContinuousClock.Instant) throws(SecAggError) -> SecAggServerDirective
    ) async throws(WireError) {
        guard let stage = secureRound?.server.stage, secureRound?.busy == false else { return }
        let outcome: Result<SecAggServerDirective, SecAggError>
        if stage == .unmasking, let server = secureRound?.server {
            secureRound?.busy = true
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
            secureRound?.busy = false
            outcome = result.map { server, directive in
                secureRound?.server = server
                return directive
            }
        } else {
            do throws(SecAggError) {
                outcome = .success(try event(&secureRound!.server, clock.now))
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
        guard secureRound != nil else { return }
        let (incarnation, version, round) = (incarnation, modelVersion, currentStart?.round)
        let requests = secureRound?.onDirective(directive, closing: stage, now: clock.now) { kind in
            Header(kind: kind, sender: Self.senderID, incarnation: incarnation, round: round, modelVersion: version)
        } ?? []
        guard directive != .wait else { return }
        logger.info(
            "secure aggregation stage closed",
            metadata: [
                "fedz.round": "\(round ?? 0)", "stage": "\(stage.rawValue)",
                "seconds": "\(secureRound?.stageSeconds[stage.rawValue] ?? 0)",
            ])
        if secureRound?.outcome != nil { roundWaker?.yield() }
        for request in requests { await send(request) }
    }

    /// Charges a completed round to the privacy budget at its sampling rate (under privacy the
    /// sample is Poisson at rate C) and records who it sampled; ε so far against an observer of
    /// the released models and against one who knows the samples, or nil without privacy.
    func accountPrivacy(sampled: some Sequence<Int>) -> (epsilon: Double, knownSample: Double)? {
        guard let privacy = settings.privacy else { return nil }
        privacyBudget.charge(samplingRate: currentSamplingRate, noiseMultiplier: privacy.noiseMultiplier, clients: sampled)
        return (privacyBudget.epsilon(delta: privacy.delta),
                privacyBudget.epsilonKnownSample(noiseMultiplier: privacy.noiseMultiplier, delta: privacy.delta))
    }
}
