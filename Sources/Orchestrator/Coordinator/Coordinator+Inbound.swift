import Actors
import Federation
import FedzProtocol
import Learning

/// A message as the coordinator's actor takes it: decoded, and for a plain update its delta
/// decoded and checked against its hash, before it reaches the actor.
struct Inbound: Sendable {
    /// A plain update's report and its delta, which matched the report's hash.
    struct Update: Sendable {
        var report: UpdateReport
        var delta: [Tensor]
    }

    var envelope: Envelope
    /// The sender as the transport authenticated it; nil in plain text.
    var peer: String?
    /// When the message was taken off its lane: the sender's sign of life.
    var arrival: ContinuousClock.Instant
    var update: Update?

    /// Decodes `frames`; the work that does not need the coordinator's state happens here,
    /// off the actor. When the transport authenticated the sender (`peer`), the message must
    /// speak in that name: one key cannot pose as another node or as the monitor.
    static func decode(
        _ frames: Multipart, peer: String?, specs: [ParameterSpec], arrival: ContinuousClock.Instant
    ) -> Result<Inbound, WireError> {
        do throws(WireError) {
            let envelope = try WireFormat.decode(frames)
            if let peer, envelope.header.sender != peer {
                throw WireError(
                    .spoofedSender, "\(envelope.header.kind) sent as \(envelope.header.sender) with the key of \(peer)")
            }
            var update: Update?
            if envelope.header.kind == .update {
                let report = try envelope.body(UpdateReport.self)
                try report.validate()
                let delta = try ModelCodec.tensors(envelope.tensors, matching: specs)
                guard ModelCodec.contentHash(delta) == report.hash else {
                    throw WireError(
                        .checksum, "update of client \(report.client) from \(envelope.header.sender) does not match its hash")
                }
                update = Update(report: report, delta: delta)
            }
            return .success(Inbound(envelope: envelope, peer: peer, arrival: arrival, update: update))
        } catch {
            return .failure(error)
        }
    }
}

extension Coordinator {
    /// Takes a message off one of the inbound lanes: decodes it and records the sender's sign of
    /// life, stamped when the transport received it, all before the actor.
    nonisolated func admit(_ message: ReceivedMessage) async {
        let arrival = message.arrival
        let inbound = Inbound.decode(message.frames, peer: message.peer, specs: specs, arrival: arrival)
        if case .success(let decoded) = inbound, decoded.envelope.header.kind.isSignOfLife {
            arrivals.record(decoded.envelope.header.sender, incarnation: decoded.envelope.header.incarnation, at: arrival)
        }
        await receive(inbound)
    }
}
