import FedzProtocol

/// The message kinds of secure aggregation (docs/PROTOCOL.md, "Secure aggregation").
/// Each carries one client's message of a SecAgg+ stage; the coordinator routes
/// messages for a client to the topic of the node that hosts it.
extension MessageKind {
    /// Node → coordinator, stage 1: a client's public keys (`SecAggPublicKeys`).
    public static let secaggKeys = MessageKind("secagg_keys")
    /// Coordinator → node topic, stage 2: a client's neighbours' keys (`SecAggKeyDirectory`).
    public static let secaggDirectory = MessageKind("secagg_directory")
    /// Node → coordinator, stage 2: a client's sealed shares (`SecAggShares`).
    public static let secaggShares = MessageKind("secagg_shares")
    /// Coordinator → node topic, stage 3: the shares sealed for a client (`SecAggShares`).
    public static let secaggDelivery = MessageKind("secagg_delivery")
    /// Node → coordinator, stage 3: a client's masked input, one uint32 tensor frame (`MaskedInputReport`).
    public static let secaggMaskedInput = MessageKind("secagg_masked_input")
    /// Coordinator → node topic, stage 4: which shares a client must reveal (`SecAggUnmaskRequest`).
    public static let secaggUnmask = MessageKind("secagg_unmask")
    /// Node → coordinator, stage 4: a client's revealed shares (`SecAggUnmaskReply`).
    public static let secaggReveal = MessageKind("secagg_reveal")
}
