import Actors
import Federation
import FedzProtocol
import Learning
import Logging

/// The coordinator's ZeroMQ sockets, as `fedz coordinator` binds them: bounded for what one peer
/// may make it hold, behind a `ZMQFederationChannel`.
enum CoordinatorSockets {
    /// Binds the sockets for a model of `modelBytes`; returns the channel and the endpoints bound.
    static func bind(
        _ settings: CoordinatorSettings, modelBytes: Int, logger: Logger
    ) async throws -> (ZMQFederationChannel, CoordinatorEndpoints) {
        let loop = try await IOLoop.start(name: "fedz-coordinator-io")
        // Control traffic on a loop of its own: neither that loop's thread nor its libzmq I/O
        // thread ever copies an update, so heartbeats are read when they come.
        var controlLoop: IOLoop?
        do {
            if settings.controlEndpoint != nil { controlLoop = try await IOLoop.start(name: "fedz-control-io") }
            if let security = settings.security {
                for each in [loop] + (controlLoop.map { [$0] } ?? []) {
                    try await each.installAuthenticator(allowList: security.allowList)
                }
                for entry in security.allowList.entries where entry.name == nil {
                    logger.warning(
                        "allow-listed key without a name: its messages are refused unless their sender is the key itself",
                        metadata: ["key": "\(entry.publicKey)"])
                }
            }
            let sockets = SocketSettings(curve: settings.security?.curve)
            let inbound = inboundSettings(sockets, modelBytes: modelBytes)
            let publisher = try await Publisher(loop: loop, bind: settings.publishEndpoint, settings: sockets)
            let puller = try await Puller(
                loop: loop, bind: settings.pullEndpoint, settings: inbound, priorityTopics: [.control])
            var control: Puller?
            if let endpoint = settings.controlEndpoint, let controlLoop {
                control = try await Puller(loop: controlLoop, bind: endpoint, settings: inbound)
            }
            let channel = ZMQFederationChannel(
                loop: loop, publisher: publisher, puller: puller, control: control, controlLoop: controlLoop
            ) { event in
                logger.warning("transport security", metadata: ["event": "\(event)"])
                if case .refused(let publicKey, _) = event { CoordinatorEvent.refused(publicKey: publicKey).emit() }
            }
            return (channel, CoordinatorEndpoints(publish: publisher.endpoint, pull: puller.endpoint, control: control?.endpoint))
        } catch {
            await loop.shutdown()
            await controlLoop?.shutdown()
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
