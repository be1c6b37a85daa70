import Federation
import FedzProtocol
import Testing

/// Which role may send what: each kind a peer sends the coordinator belongs to one role's list.
@Suite struct PeerRoleTests {
    @Test func eachRoleSendsItsOwnKinds() {
        #expect(PeerRole.node.maySend(.update) && PeerRole.node.maySend(.hello) && PeerRole.node.maySend(.secaggReveal))
        #expect(!PeerRole.node.maySend(.retrainRequest), "only the monitor asks for retraining")
        #expect(PeerRole.monitor.maySend(.retrainRequest) && PeerRole.monitor.maySend(.heartbeat))
        #expect(!PeerRole.monitor.maySend(.hello) && !PeerRole.monitor.maySend(.update), "the monitor hosts no clients")
        #expect(PeerRole.admin.maySend(.heartbeat) && !PeerRole.admin.maySend(.update))
        #expect(PeerRole.admin.maySend(.productionChange), "an admin moves production")
        #expect(!PeerRole.node.maySend(.productionChange) && !PeerRole.monitor.maySend(.productionChange))
        for role in PeerRole.allCases {
            #expect(!role.maySend(.roundStart) && !role.maySend(.model), "\(role) may not send the coordinator's own kinds")
        }
    }

    @Test func theMonitorIsTheKeyNamedMonitor() {
        #expect(PeerRole.implied(by: "monitor") == .monitor)
        #expect(PeerRole.implied(by: "node-3") == .node)
    }

    @Test func aProductionChangeNamesAVersionOnlyToPromoteAndGivesAReason() throws {
        try ProductionChange(request: 1, action: .promote, version: 3, reason: "canary passed").validate()
        try ProductionChange(request: 1, action: .rollback, reason: "regressed").validate()
        let invalid = [
            ProductionChange(request: 1, action: .promote, reason: "which version?"),
            ProductionChange(request: 1, action: .rollback, version: 3, reason: "rollback names no version"),
            ProductionChange(request: 1, action: .promote, version: -1, reason: "negative"),
            ProductionChange(request: 1, action: .promote, version: 3, reason: ""),
            ProductionChange(request: 1, action: .promote, version: 3, reason: String(repeating: "x", count: 1_025)),
        ]
        for change in invalid {
            #expect(throws: WireError.self) { try change.validate() }
        }
        // Not a sign of life: an operator is no member of the federation.
        #expect(!MessageKind.productionChange.isSignOfLife && MessageKind.heartbeat.isSignOfLife)
    }
}
