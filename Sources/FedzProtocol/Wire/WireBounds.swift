/// The documented range of every integer and identifier a message may carry (docs/PROTOCOL.md,
/// "Bounds"). Checked where a message is decoded, so that no arithmetic on what a peer sent
/// can trap and no id can forge a log line.
public enum WireBounds {
    /// A sender id: 1…64 characters of `A–Z a–z 0–9 . _ -`.
    public static let senderLength = 1...64
    /// A round number or model version in a header.
    public static let counter = 0...Int(Int32.max)
    /// A virtual client's id.
    public static let clientID = 0...Int(Int32.max)
    /// The samples a client trains on or a field report counts.
    public static let samples = 1...1_000_000_000
    /// The virtual clients one node may host.
    public static let clientsPerNode = 1...100_000

    /// Whether `id` may name a sender.
    public static func isValidSender(_ id: String) -> Bool {
        let bytes = id.utf8
        return senderLength.contains(bytes.count) && bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                true
            default: false
            }
        }
    }

    /// Checks `value` against `range`, naming `field` in the error.
    public static func check(_ value: Int, in range: ClosedRange<Int>, _ field: String) throws(WireError) {
        guard range.contains(value) else {
            throw WireError(.outOfRange, "\(field) \(value) outside \(range.lowerBound)…\(range.upperBound)")
        }
    }
}
