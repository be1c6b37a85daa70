import Actors
import Federation
import FedzProtocol
import Logging

/// How a node started without `--model` learns what the federation trains, before it loads its
/// data (which is checked against the model) and says hello: it asks the coordinator with a
/// `definition_request` every interval until a `model_definition` comes on its node topic, and
/// takes the answer as it takes anything from the network (`ModelDefinitionBody.accept`: bounds,
/// and a definition whose content hashes to the architecture's name, then registered).
enum ModelDiscovery {
    /// The architecture the coordinator names, its definition registered in this process.
    static func ask(over channel: any PeerChannel, node: String, interval: Duration, logger: Logger) async throws -> String {
        let envelopes = NodeEnvelopes(node: node, incarnation: Incarnation.now(), specs: [])
        guard let request = envelopes.control(.definitionRequest, body: Empty()) else {
            throw WireError(.badBody, "definition_request does not encode")
        }
        return try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask {
                await channel.serve()
                return nil
            }
            group.addTask {
                // Repeated: a request can go out before the node's subscription is in place.
                while !Task.isCancelled {
                    do { try await channel.push(request, control: true, timeout: interval) } catch {
                        logger.debug("definition request not sent", metadata: ["error": "\(error)"])
                    }
                    try await Task.sleep(for: interval)
                }
                return nil
            }
            group.addTask {
                for await frames in channel.messages {
                    do {
                        let envelope = try WireFormat.decode(frames)
                        guard envelope.header.kind == .modelDefinition, envelope.header.sender == "coordinator" else { continue }
                        return try envelope.body(ModelDefinitionBody.self).accept()
                    } catch {
                        logger.warning("model definition rejected", metadata: ["error": "\(error)"])
                    }
                }
                return nil
            }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let architecture = result { return architecture }
            }
            throw CancellationError()
        }
    }

    /// Asks the coordinator of `settings` over a ZeroMQ channel of its own, closed afterwards.
    static func ask(settings: NodeSettings, logger: Logger) async throws -> String {
        let channel = try await ZMQPeerChannel.connect(
            publish: settings.coordinatorPublish, topics: [.node(settings.id)], pull: settings.coordinatorPull,
            control: settings.coordinatorControl, settings: SocketSettings(curve: settings.curve), name: "fedz-node-discovery"
        ) { event in
            logger.warning("transport security: cannot reach the coordinator", metadata: ["event": "\(event)"])
        }
        logger.info("asking the coordinator which model the federation trains")
        do {
            let architecture = try await ask(over: channel, node: settings.id, interval: settings.heartbeatInterval, logger: logger)
            await channel.close()
            return architecture
        } catch {
            await channel.close()
            throw error
        }
    }
}
