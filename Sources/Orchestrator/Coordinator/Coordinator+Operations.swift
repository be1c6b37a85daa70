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
        let result = await carryOut(change, by: admin)
        productionChanges[admin] = result
        await sendToNode(admin, kind: .productionChanged, body: result)
    }

    private func carryOut(_ change: ProductionChange, by admin: String) async -> ProductionChangeResult {
        let move: AliasMove
        do {
            switch (change.action, change.version) {
            case (.promote, let version?):
                try cache(version)  // a version whose weights cannot be loaded is refused before the registry moves
                move = try registry.promote(version, reason: change.reason, by: admin)
            default:
                move = try registry.rollback(reason: change.reason, by: admin)
            }
        } catch {
            logger.warning("production change refused", metadata: ["fedz.admin": "\(admin)", "error": "\(error)"])
            return ProductionChangeResult(request: change.request, refusal: "\(error)")
        }
        guard let production = move.version else {
            return ProductionChangeResult(request: change.request, refusal: "the registry left production unset")
        }
        do {
            try await adopt(production, reason: "\(change.action.rawValue) by \(admin): \(change.reason)")
        } catch {
            logger.error("production moved but cannot be served", metadata: ["fedz.version": "\(production)", "error": "\(error)"])
            return ProductionChangeResult(
                request: change.request, refusal: "production is \(production) in the registry, but it cannot be served: \(error)")
        }
        return ProductionChangeResult(request: change.request, previous: move.previous, production: production)
    }
}
