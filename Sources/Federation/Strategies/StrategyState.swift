import Foundation

/// What a stateful strategy carries from one round to the next (FedAvgM's momentum,
/// the adaptive optimisers' moments), for a resume checkpoint: the strategy's name and
/// its named flat buffers, in parameter order. Buffers are empty before the first round.
/// In JSON each buffer is the base64 of its little-endian IEEE 754 bits, so that a
/// restored state is bit for bit the exported one (non-finite values included) at about
/// a quarter of the size of decimal text.
public struct StrategyState: Sendable, Equatable {
    /// The name of the strategy that exported it, e.g. `fedadam`.
    public var strategy: String
    public var buffers: [String: [Float]]

    public init(strategy: String, buffers: [String: [Float]]) {
        self.strategy = strategy
        self.buffers = buffers
    }

    /// The buffers `names` of a state exported by `strategy` for a model of `parameters`
    /// values, each either that long or (before the first round) empty; an error saying
    /// what does not match otherwise.
    func buffers(_ names: [String], of strategy: String, parameters: Int) throws(StrategyStateError) -> [[Float]] {
        guard self.strategy == strategy else {
            throw StrategyStateError("the server state is \(self.strategy)'s, not \(strategy)'s")
        }
        guard Set(buffers.keys) == Set(names) else {
            throw StrategyStateError(
                "\(strategy)'s server state holds \(buffers.keys.sorted()), not \(names.sorted())")
        }
        let found = names.map { buffers[$0] ?? [] }
        let lengths = Set(found.map(\.count))
        guard lengths == [0] || lengths == [parameters] else {
            throw StrategyStateError(
                "\(strategy)'s server state has \(found.map(\.count)) values, not \(parameters) (the model's parameters)")
        }
        return found
    }
}

/// A server state that does not fit the strategy restoring it.
public struct StrategyStateError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension StrategyState: Codable {
    private enum CodingKeys: String, CodingKey {
        case strategy, buffers
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        strategy = try container.decode(String.self, forKey: .strategy)
        var buffers: [String: [Float]] = [:]
        for (name, text) in try container.decode([String: String].self, forKey: .buffers) {
            guard let data = Data(base64Encoded: text), data.count % 4 == 0 else {
                throw DecodingError.dataCorruptedError(
                    forKey: .buffers, in: container, debugDescription: "buffer \(name) is not base64 of 32-bit floats")
            }
            buffers[name] = Self.floats(data)
        }
        self.buffers = buffers
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(strategy, forKey: .strategy)
        try container.encode(buffers.mapValues { Self.bytes($0).base64EncodedString() }, forKey: .buffers)
    }

    private static func bytes(_ values: [Float]) -> Data {
        var data = Data(capacity: values.count * 4)
        for value in values {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
        return data
    }

    private static func floats(_ data: Data) -> [Float] {
        let bytes = [UInt8](data)
        return stride(from: 0, to: bytes.count, by: 4).map { start in
            let bits = (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[start + $1]) << (8 * $1) }
            return Float(bitPattern: bits)
        }
    }
}
