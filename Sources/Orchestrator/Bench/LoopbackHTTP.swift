import Foundation

/// A minimal HTTP/1.1 GET to a server on 127.0.0.1 — enough to read a fedz process's
/// `/metrics` and `/api/state` — with no dependency beyond the C library. The blocking socket
/// calls run on a thread of their own, never on Swift's cooperative pool.
enum LoopbackHTTP {
    /// The body of `GET path` on `127.0.0.1:port`; throws unless the status is 200.
    static func get(port: Int, path: String, timeout: Duration = .seconds(60)) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result(catching: { try blockingGet(port: port, path: path, timeout: timeout) }))
            }
            thread.name = "fedz-http-get"
            thread.start()
        }
    }

    private static func blockingGet(port: Int, path: String, timeout: Duration) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FedzError("socket: errno \(errno)") }
        defer { close(fd) }
        var limit = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        for option in [SO_RCVTIMEO, SO_SNDTIMEO] {
            setsockopt(fd, SOL_SOCKET, option, &limit, socklen_t(MemoryLayout<timeval>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else { throw FedzError("cannot connect to 127.0.0.1:\(port): errno \(errno)") }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n".utf8)
        var sent = 0
        while sent < request.count {
            let count = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { throw FedzError("sending to 127.0.0.1:\(port) failed: errno \(errno)") }
            sent += count
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count >= 0 else { throw FedzError("reading from 127.0.0.1:\(port) failed: errno \(errno)") }
            if count == 0 { break }
            response += buffer[0..<count]
        }
        return try body(of: response, path: path)
    }

    /// The body of a whole response read to the end of the connection (plain or chunked).
    static func body(of response: [UInt8], path: String) throws -> String {
        let separator = Array("\r\n\r\n".utf8)
        guard let end = response.indices.first(where: { response[$0...].starts(with: separator) }) else {
            throw FedzError("GET \(path): no complete response")
        }
        let head = String(decoding: response[..<end], as: UTF8.self)
        guard let status = head.split(separator: "\r\n").first, status.split(separator: " ").dropFirst().first == "200" else {
            throw FedzError("GET \(path): \(head.split(separator: "\r\n").first ?? "no status line")")
        }
        var body = Array(response[(end + separator.count)...])
        if head.lowercased().contains("transfer-encoding: chunked") { body = try dechunk(body) }
        return String(decoding: body, as: UTF8.self)
    }

    private static func dechunk(_ bytes: [UInt8]) throws -> [UInt8] {
        var (output, position) = ([UInt8](), 0)
        while let lineEnd = bytes[position...].firstIndex(of: UInt8(ascii: "\r")) {
            let sizeText = String(decoding: bytes[position..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else {
                throw FedzError("a chunk size that is not hexadecimal: \(sizeText)")
            }
            if size == 0 { break }
            let start = lineEnd + 2
            guard start + size <= bytes.count else { throw FedzError("a chunk past the end of the response") }
            output += bytes[start..<(start + size)]
            position = start + size + 2
            guard position <= bytes.count else { break }
        }
        return output
    }
}
