import Federation

extension Coordinator {
    /// The registered clients rounds sample from, rebuilt only after membership changed, so
    /// that opening a round costs nothing per registered client.
    func currentClientDirectory() -> ClientDirectory {
        if let clientDirectory { return clientDirectory }
        let directory = ClientDirectory(nodes: nodes.mapValues { $0.map(\.id) })
        clientDirectory = directory
        return directory
    }
}
