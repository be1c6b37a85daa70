import Actors
import ArgumentParser
import CommandSupport
import Federation
import FedzProtocol
import Foundation

/// A running coordinator that `fedz models promote|rollback` asks by message, as an admin key,
/// instead of changing the registry file.
struct LiveCoordinatorOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "A running coordinator's control endpoint (its --control), or its PULL endpoint: the change is sent there, carried out at once and answered.",
        discussion: "Without it the registry file in --state-dir is changed, and a running coordinator adopts the change within a heartbeat."))
    var coordinatorControl: String?

    @Option(help: "The running coordinator's PUB endpoint, on which it answers.")
    var coordinatorPublish = "tcp://127.0.0.1:7001"

    @Option(help: "Directory of CurveZMQ keys holding the admin key pair (`fedz keys generate` writes admin.key).")
    var keys: String?

    @Flag(help: "Talk to the coordinator unencrypted (one started with --plaintext).")
    var plaintext = false

    @Option(help: "The admin key's id in --keys (listed with the role admin in the allow-list).")
    var id = KeyStore.adminName

    @Option(help: "Seconds to wait for the coordinator's answer.")
    var timeout: Double = 15

    func validate() throws {
        guard coordinatorControl != nil else { return }
        guard (keys != nil) != plaintext else {
            throw ValidationError("with --coordinator-control, choose transport security: --keys DIR, or --plaintext explicitly")
        }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }

    /// Sends `change` to the coordinator at `endpoint` and returns its answer; the request is
    /// sent again every second (a new subscription takes a moment to reach the publisher)
    /// until answered or `timeout` passes.
    func request(_ change: ProductionChange, at endpoint: String) async throws -> ProductionChangeResult {
        let loop = try await IOLoop.start(name: "fedz-admin-io")
        do {
            let result = try await exchange(change, at: endpoint, on: loop)
            await loop.shutdown()
            return result
        } catch {
            await loop.shutdown()
            throw error
        }
    }

    private func exchange(_ change: ProductionChange, at endpoint: String, on loop: IOLoop) async throws -> ProductionChangeResult {
        let sockets = SocketSettings(curve: try keys.map { try KeyStore(directory: $0).client(name: id) })
        let answers = try await Subscriber(
            loop: loop, connect: [coordinatorPublish], topics: [Topic.node(id).rawValue], settings: sockets)
        let pusher = try await Pusher(loop: loop, connect: endpoint, settings: sockets)
        let header = Header(kind: .productionChange, sender: id, incarnation: Incarnation.now())
        let frames = WireFormat.encode(try Envelope(topic: .control, header: header, body: change))
        return try await withThrowingTaskGroup(of: ProductionChangeResult?.self) { group in
            group.addTask {
                for await message in answers.messages {
                    guard let envelope = try? WireFormat.decode(message), envelope.header.kind == .productionChanged,
                          let result = try? envelope.body(ProductionChangeResult.self), result.request == change.request
                    else { continue }
                    return result
                }
                return nil
            }
            group.addTask {
                let deadline = ContinuousClock.now + .seconds(timeout)
                while ContinuousClock.now < deadline {
                    try? await pusher.send(frames, timeout: .seconds(1))
                    try await Task.sleep(for: .seconds(1))
                }
                return nil
            }
            defer { group.cancelAll() }
            guard let answer = try await group.next(), let result = answer else {
                throw FedzError(
                    "no coordinator answered at \(endpoint) within \(timeout) s (nothing was changed by this command;"
                        + " without --coordinator-control the registry file is changed instead)")
            }
            return result
        }
    }
}

extension ProductionChangeResult {
    /// The command's line for this answer; throws the coordinator's refusal.
    func line() throws -> String {
        if let refusal { throw FedzError("the coordinator refused: \(refusal)") }
        return "production: \(previous.map(String.init) ?? "unset") -> \(production.map(String.init) ?? "unset") (running coordinator)"
    }
}
