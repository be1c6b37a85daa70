import FedzProtocol

// Checks of the bodies a node sends, against `WireBounds`: run where a message is decoded,
// before anything counts, sums or stores what it says.

extension Hello {
    /// A node's clients: at most `WireBounds.clientsPerNode`, each id in range and listed once,
    /// each with a sample count in range; an architecture name of at most 64 bytes.
    public func validate() throws(WireError) {
        try WireBounds.check(clients.count, in: WireBounds.clientsPerNode, "client count")
        guard architecture.utf8.count <= 64 else { throw WireError(.badBody, "architecture name of \(architecture.utf8.count) bytes") }
        var seen = Set<Int>(minimumCapacity: clients.count)
        for client in clients {
            try WireBounds.check(client.id, in: WireBounds.clientID, "client id")
            try WireBounds.check(client.samples, in: WireBounds.samples, "samples of client \(client.id)")
            if let heldOut = client.heldOut { try WireBounds.check(heldOut, in: 0...WireBounds.samples.upperBound, "held-out samples of client \(client.id)") }
            guard seen.insert(client.id).inserted else { throw WireError(.badBody, "client \(client.id) listed twice") }
        }
    }
}

extension UpdateReport {
    /// A client id and sample count in range and a finite training loss.
    public func validate() throws(WireError) {
        try WireBounds.check(client, in: WireBounds.clientID, "client id")
        try WireBounds.check(samples, in: WireBounds.samples, "samples")
        guard trainLoss.isFinite else { throw WireError(.badBody, "update of client \(client) with a non-finite loss") }
    }
}

extension TrainingFailure {
    /// A client id in range and a reason of at most 1,024 bytes.
    public func validate() throws(WireError) {
        try WireBounds.check(client, in: WireBounds.clientID, "client id")
        guard reason.utf8.count <= 1_024 else { throw WireError(.badBody, "a training failure reason of \(reason.utf8.count) bytes") }
    }
}

extension FieldObservation {
    /// Versions in range, accuracies in [0, 1] and a sample count in range.
    public func validate() throws(WireError) {
        try WireBounds.check(version, in: WireBounds.counter, "version")
        try WireBounds.check(samples, in: WireBounds.samples, "samples")
        if let candidateVersion { try WireBounds.check(candidateVersion, in: WireBounds.counter, "candidate version") }
        guard (0...1).contains(accuracy), candidateAccuracy.map({ (0...1).contains($0) }) ?? true,
              (candidateVersion == nil) == (candidateAccuracy == nil)
        else {
            throw WireError(.badBody, "field report with accuracy \(accuracy) and candidate accuracy \(candidateAccuracy ?? 0)")
        }
    }
}

extension ProductionChange {
    /// A promotion names a version in range, a rollback none; a reason of 1 to 1,024 bytes.
    public func validate() throws(WireError) {
        switch (action, version) {
        case (.promote, let version?): try WireBounds.check(version, in: WireBounds.counter, "version")
        case (.rollback, nil): break
        default: throw WireError(.badBody, "a \(action.rawValue) with version \(version.map(String.init) ?? "none")")
        }
        guard (1...1_024).contains(reason.utf8.count) else {
            throw WireError(.badBody, "a production change reason of \(reason.utf8.count) bytes")
        }
    }
}
