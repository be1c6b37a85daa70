import Foundation

/// The HTTP ports of a local cluster's processes: the coordinator's (metrics and dashboard),
/// the monitor's, and one per node. From a base port: coordinator base, monitor base + 1,
/// node i base + 2 + i; from base 0: free ports the system hands out.
struct ClusterPorts: Sendable, Equatable {
    var coordinator: Int
    var monitor: Int
    var nodes: [Int]

    /// Ports from `base` for `nodes` nodes.
    init(base: Int, nodes: Int) throws {
        let ports = base == 0 ? try Self.free(count: nodes + 2) : Array(base..<(base + nodes + 2))
        guard let last = ports.last, last <= 65535 else {
            throw FedzError("metrics ports \(base)…\(base + nodes + 1) do not fit below 65536")
        }
        coordinator = ports[0]
        monitor = ports[1]
        self.nodes = Array(ports.dropFirst(2))
    }

    /// `count` distinct ports free on 127.0.0.1 now, from the kernel (bound together, then released).
    static func free(count: Int) throws -> [Int] {
        var sockets: [Int32] = []
        defer { sockets.forEach { close($0) } }
        return try (0..<count).map { _ in
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw FedzError("socket: errno \(errno)") }
            sockets.append(fd)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                    bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
                }
            }
            guard bound else { throw FedzError("cannot find a free port: errno \(errno)") }
            return Int(UInt16(bigEndian: address.sin_port))
        }
    }
}
