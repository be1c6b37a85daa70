import CZlib
import Foundation

/// gzip decompression through zlib.
enum Gzip {
    /// The decompressed bytes of a single-member gzip stream; `path` names the file in errors.
    static func decompress(_ compressed: Data, path: String) throws -> [UInt8] {
        func failure(_ reason: String) -> LearningError {
            LearningError(.malformedFile(path: path, reason: "gzip: \(reason)"))
        }
        guard compressed.count >= 18 else { throw failure("too short (\(compressed.count) bytes)") }
        // The trailer's last four bytes hold the uncompressed size modulo 2³²: a good first
        // capacity, bounded so a corrupt trailer cannot force a huge allocation.
        let trailer = compressed.suffix(4).reversed().reduce(0) { $0 << 8 | Int($1) }
        var output = [UInt8](repeating: 0, count: max(min(trailer, 16 * compressed.count), 1 << 16))
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw failure("inflateInit failed")
        }
        defer { inflateEnd(&stream) }
        var produced = 0
        var status = Z_OK
        try compressed.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
            stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(input.count)
            while status != Z_STREAM_END {
                if produced == output.count { output.append(contentsOf: repeatElement(0, count: output.count)) }
                let chunk = min(output.count - produced, Int(UInt32.max))
                status = output.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress! + produced
                    stream.avail_out = uInt(chunk)
                    let result = inflate(&stream, Z_NO_FLUSH)
                    produced += chunk - Int(stream.avail_out)
                    return result
                }
                guard status == Z_OK || status == Z_STREAM_END else {
                    let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    throw failure(message)
                }
                if status == Z_OK, stream.avail_in == 0, stream.avail_out > 0 {
                    throw failure("truncated stream")
                }
            }
        }
        output.removeSubrange(produced...)
        return output
    }
}
