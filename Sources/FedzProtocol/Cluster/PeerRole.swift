/// What an allow-listed key may do, named in the allow-list beside the key's id:
/// `<public key> <id> [node|monitor|admin]`. Without a role word, the key named `monitor` is
/// the monitor and every other key a node.
public enum PeerRole: String, Sendable, Equatable, CaseIterable {
    /// Hosts clients: joins, trains, reports.
    case node
    /// Watches the federation: heartbeats and asks for retraining.
    case monitor
    /// Operates the federation: moves production (`fedz models promote|rollback`).
    case admin

    /// The role of a key listed as `id` without a role word.
    public static func implied(by id: String) -> PeerRole { id == "monitor" ? .monitor : .node }
}
