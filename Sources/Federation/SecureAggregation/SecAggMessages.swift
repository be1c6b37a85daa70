/// Stage 1, client → server: a client's two X25519 public keys (raw, 32 bytes each).
public struct SecAggPublicKeys: Codable, Sendable, Equatable {
    public var round: Int
    public var client: Int
    /// Agrees the keys that encrypt the shares sent to this client.
    public var encryptionKey: [UInt8]
    /// Agrees the seeds of this client's pairwise masks.
    public var maskingKey: [UInt8]

    public init(round: Int, client: Int, encryptionKey: [UInt8], maskingKey: [UInt8]) {
        self.round = round
        self.client = client
        self.encryptionKey = encryptionKey
        self.maskingKey = maskingKey
    }
}

/// Stage 2, server → one client: the public keys of its neighbours that advertised.
public struct SecAggKeyDirectory: Codable, Sendable, Equatable {
    public var round: Int
    /// The addressee.
    public var client: Int
    public var keys: [SecAggPublicKeys]

    public init(round: Int, client: Int, keys: [SecAggPublicKeys]) {
        self.round = round
        self.client = client
        self.keys = keys
    }
}

/// A client's shares for one neighbour, sealed with ChaChaPoly under a key only the
/// two of them can agree, so the server relays it without reading it.
public struct SecAggEncryptedShare: Codable, Sendable, Equatable {
    public var from: Int
    public var to: Int
    /// Nonce, ciphertext and tag (ChaChaPoly's combined form).
    public var ciphertext: [UInt8]

    public init(from: Int, to: Int, ciphertext: [UInt8]) {
        self.from = from
        self.to = to
        self.ciphertext = ciphertext
    }
}

/// Sealed shares in transit: stage 2, client → server, one per neighbour in the key
/// directory (`client` is the uploader); stage 3, server → one client, the shares its
/// neighbours addressed to it (`client` is the addressee) — the neighbours it masks with.
public struct SecAggShares: Codable, Sendable, Equatable {
    public var round: Int
    public var client: Int
    public var shares: [SecAggEncryptedShare]

    public init(round: Int, client: Int, shares: [SecAggEncryptedShare]) {
        self.round = round
        self.client = client
        self.shares = shares
    }
}

/// Stage 3, client → server: the quantised input plus the self mask and pairwise
/// masks, modulo 2^32. On its own it is uniformly distributed.
public struct SecAggMaskedInput: Codable, Sendable, Equatable {
    public var round: Int
    public var client: Int
    public var values: [UInt32]

    public init(round: Int, client: Int, values: [UInt32]) {
        self.round = round
        self.client = client
        self.values = values
    }
}

/// Stage 4, server → one client: which of its neighbours' masked inputs arrived
/// (reveal their self-mask shares) and which did not (reveal their masking-key shares).
public struct SecAggUnmaskRequest: Codable, Sendable, Equatable {
    public var round: Int
    /// The addressee.
    public var client: Int
    public var survivors: [Int]
    public var dropped: [Int]

    public init(round: Int, client: Int, survivors: [Int], dropped: [Int]) {
        self.round = round
        self.client = client
        self.survivors = survivors
        self.dropped = dropped
    }
}

/// A share revealed at unmasking, with the client whose secret it belongs to.
public struct SecAggRevealedShare: Codable, Sendable, Equatable {
    public var owner: Int
    public var share: ShamirShare

    public init(owner: Int, share: ShamirShare) {
        self.owner = owner
        self.share = share
    }
}

/// Stage 4, client → server: self-mask-seed shares of the survivors and
/// masking-key shares of the dropped, never both for one client.
public struct SecAggUnmaskReply: Codable, Sendable, Equatable {
    public var round: Int
    public var client: Int
    public var selfMaskShares: [SecAggRevealedShare]
    public var maskingKeyShares: [SecAggRevealedShare]

    public init(round: Int, client: Int, selfMaskShares: [SecAggRevealedShare], maskingKeyShares: [SecAggRevealedShare]) {
        self.round = round
        self.client = client
        self.selfMaskShares = selfMaskShares
        self.maskingKeyShares = maskingKeyShares
    }
}
