import Actors
import Federation
import FedzProtocol
import Learning
import Logging

/// The coordinator on ZeroMQ, as `fedz coordinator` starts it: its sockets, bounded for what one
/// peer may make it hold, behind a `ZMQFederationChannel`.
extension Coordinator {
    /// Loads the test set, builds the initial model and binds its sockets; returns the
    /// coordinator and the endpoints the sockets bound.
    static func start(settings: CoordinatorSettings, logger: Logger) async throws -> (Coordinator, CoordinatorEndpoints) {
        let model = try ModelZoo.learner(settings.model, seed: settings.seed)
        let loop = try await IOLoop.start(name: "fedz-coordinator-io")
        do {
            if let security = settings.security {
                try await loop.installAuthenticator(allowList: security.allowList)
                for entry in security.allowList.entries where entry.name == nil {
                    logger.warning(
                        "allow-listed key without a name: its messages are refused unless their sender is the key itself",
                        metadata: ["key": "\(entry.publicKey)"])
                }
            }
            let sockets = SocketSettings(curve: settings.security?.curve)
            let inbound = Self.inboundSettings(sockets, modelBytes: model.parameterSpecs.reduce(0) { $0 + 4 * $1.count })
            let publisher = try await Publisher(loop: loop, bind: settings.publishEndpoint, settings: sockets)
            let puller = try await Puller(
                loop: loop, bind: settings.pullEndpoint, settings: inbound, priorityTopics: [.control])
            var control: Puller?
            if let endpoint = settings.controlEndpoint {
                control = try await Puller(loop: loop, bind: endpoint, settings: inbound)
            }
            let transport = ZMQFederationChannel(
                loop: loop, publisher: publisher, puller: puller, control: control
            ) { event in
                logger.warning("transport security", metadata: ["event": "\(event)"])
                if case .refused(let publicKey, _) = event { CoordinatorEvent.refused(publicKey: publicKey).emit() }
            }
            let endpoints = CoordinatorEndpoints(publish: publisher.endpoint, pull: puller.endpoint, control: control?.endpoint)
            let coordinator = try await start(settings: settings, logger: logger, channel: transport, clock: SystemClock(), model: model)
            return (coordinator, endpoints)
        } catch {
            await loop.shutdown()
            throw error
        }
    }

    /// What the coordinator's PULL sockets take in: no message larger than an update of the model
    /// (its tensors, a masked input one word longer) and a header of at most 1 MiB, no frame
    /// larger than the model or 4 MiB (libzmq drops the connection of a peer that sends one),
    /// and at most 100 queued per peer, so that what one key can make the coordinator hold is
    /// bounded by the model's size, not by libzmq's defaults (1,000 messages of 64 MiB frames).
    static func inboundSettings(_ base: SocketSettings, modelBytes: Int) -> SocketSettings {
        var settings = base
        let header = 1 << 20
        settings.maxMessageSize = Int64(max(modelBytes, 4 * header) + header)
        settings.messageLimits = MessageLimits(maxFrames: base.messageLimits.maxFrames, maxBytes: modelBytes + 2 * header)
        settings.receiveHighWaterMark = 100
        return settings
    }
}

/// The endpoints a coordinator's sockets bound (ephemeral ports resolved).
struct CoordinatorEndpoints: Sendable {
    var publish: String
    var pull: String
    var control: String?
}
