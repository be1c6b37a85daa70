import Federation
import FedzProtocol
import Testing

/// What a node says about its clients is checked against `WireBounds` before anything sums it.
@Suite struct MessageBoundsTests {
    private func reason(_ check: () throws(WireError) -> Void) -> WireError.Reason? {
        do throws(WireError) {
            try check()
            return nil
        } catch {
            return error.reason
        }
    }

    @Test func aHelloWithinBoundsPasses() {
        let hello = Hello(
            clients: [ClientInfo(id: 0, samples: 1), ClientInfo(id: Int(Int32.max), samples: 1_000_000_000)],
            architecture: "mlp")
        #expect(reason { () throws(WireError) in try hello.validate() } == nil)
    }

    @Test(arguments: [
        ([ClientInfo(id: -1, samples: 10)], WireError.Reason.outOfRange),
        ([ClientInfo(id: 2_305_843_009_213_693_950, samples: 10)], .outOfRange),  // p − 1 of SecAgg+'s field
        ([ClientInfo(id: 3, samples: 0)], .outOfRange),
        ([ClientInfo(id: 3, samples: Int.max)], .outOfRange),
        ([ClientInfo(id: 3, samples: 5), ClientInfo(id: 3, samples: 5)], .badBody),
    ] as [([ClientInfo], WireError.Reason)])
    func aHelloOutsideBoundsIsRefused(_ clients: [ClientInfo], expected: WireError.Reason) {
        let hello = Hello(clients: clients, architecture: "mlp")
        #expect(reason { () throws(WireError) in try hello.validate() } == expected)
    }

    @Test func aHelloWithTooManyClientsIsRefused() {
        let clients = (0...WireBounds.clientsPerNode.upperBound).map { ClientInfo(id: $0, samples: 1) }
        #expect(reason { () throws(WireError) in try Hello(clients: clients, architecture: "mlp").validate() } == .outOfRange)
        #expect(reason { () throws(WireError) in try Hello(clients: Array(clients.dropLast()), architecture: "mlp").validate() } == nil)
    }

    @Test(arguments: [
        (UpdateReport(client: 4, samples: 600, trainLoss: 0.3, hash: "h"), nil),
        (UpdateReport(client: -4, samples: 600, trainLoss: 0.3, hash: "h"), WireError.Reason.outOfRange),
        (UpdateReport(client: 4, samples: Int.max, trainLoss: 0.3, hash: "h"), .outOfRange),
        (UpdateReport(client: 4, samples: 0, trainLoss: 0.3, hash: "h"), .outOfRange),
        (UpdateReport(client: 4, samples: 600, trainLoss: .nan, hash: "h"), .badBody),
        (UpdateReport(client: 4, samples: 600, trainLoss: -.infinity, hash: "h"), .badBody),
    ] as [(UpdateReport, WireError.Reason?)])
    func updateReports(_ report: UpdateReport, expected: WireError.Reason?) {
        #expect(reason { () throws(WireError) in try report.validate() } == expected)
    }

    @Test(arguments: [
        (FieldObservation(version: 3, accuracy: 0.9, samples: 50, candidateVersion: 4, candidateAccuracy: 0.95), nil),
        (FieldObservation(version: 3, accuracy: 0.9, samples: Int.max), WireError.Reason.outOfRange),
        (FieldObservation(version: -3, accuracy: 0.9, samples: 50), .outOfRange),
        (FieldObservation(version: 3, accuracy: 0.9, samples: 50, candidateVersion: -1, candidateAccuracy: 0.5), .outOfRange),
        (FieldObservation(version: 3, accuracy: .nan, samples: 50), .badBody),
        (FieldObservation(version: 3, accuracy: 1.5, samples: 50), .badBody),
        (FieldObservation(version: 3, accuracy: 0.9, samples: 50, candidateVersion: 4, candidateAccuracy: nil), .badBody),
    ] as [(FieldObservation, WireError.Reason?)])
    func fieldObservations(_ observation: FieldObservation, expected: WireError.Reason?) {
        #expect(reason { () throws(WireError) in try observation.validate() } == expected)
    }
}
