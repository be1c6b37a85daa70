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
        for role in PeerRole.allCases {
            #expect(!role.maySend(.roundStart) && !role.maySend(.model), "\(role) may not send the coordinator's own kinds")
        }
    }

    @Test func theMonitorIsTheKeyNamedMonitor() {
        #expect(PeerRole.implied(by: "monitor") == .monitor)
        #expect(PeerRole.implied(by: "node-3") == .node)
    }
}
