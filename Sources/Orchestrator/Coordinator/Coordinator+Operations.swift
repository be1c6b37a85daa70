import Federation
import FedzProtocol
import ModelOps

/// Operating a running federation by message: an admin's `production_change` moves the
/// registry's production alias and the version nodes serve at once, and is answered on the
/// admin's topic. A request sent again (its answer was lost) is answered again, not redone.
extension Coordinator {
    func changeProduction(_ change: ProductionChange, from admin: String) async {
        if let answered = productionChanges[admin], answered.request == change.request {
            return await sendToNode(admin, kind: .productionChanged, body: answered)
        }
        let result = await modelOps.changeProduction(change, by: admin)
        productionChanges[admin] = result
        if result.refusal == nil { await announceStatus() }
        await sendToNode(admin, kind: .productionChanged, body: result)
    }
}
