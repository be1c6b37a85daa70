import Federation
import FedzProtocol
import Learning

/// Bodies of fuzzed `evaluation_report`s and the outcome each reaches: every one names a client
/// the sending key does not host (the next key's first), so a well-formed report is refused as
/// `unexpected`; the others fail `EvaluationReport.validate` or decoding first.
enum EvaluationReportPlans {
    static func body(key: Int, random: inout SeededGenerator) -> BodyPlan {
        let foreign = AdversarialJSON.int(FuzzCast.clientRange(of: key + 1).lowerBound)
        func entry(client: AdversarialJSON? = nil, samples: AdversarialJSON = .int(10), accuracy: AdversarialJSON = .double(0.8)) -> AdversarialJSON {
            .object([("client", client ?? foreign), ("samples", samples), ("loss", .double(0.5)), ("accuracy", accuracy)])
        }
        func report(_ clients: [AdversarialJSON], version: AdversarialJSON = .int(1)) -> AdversarialJSON {
            .object([("version", version), ("clients", .array(clients))])
        }
        switch random.pick([(30, 0), (10, 1), (10, 2), (10, 3), (10, 4), (10, 5), (20, 6)]) {
        case 0: return BodyPlan(report([entry()]), .unexpected)
        case 1: return BodyPlan(report([entry()], version: .int(random.pick([0, -1, Int(Int32.max) + 1, .max, .min]))), .outOfRange)
        case 2: return BodyPlan(report([entry(samples: .int(random.pick(AdversarialMessages.invalidSamples)))]), .outOfRange)
        case 3: return BodyPlan(report([entry(accuracy: .double(random.pick([1.5, -0.1, 1e308])))]), .outOfRange)
        case 4: return BodyPlan(report([entry(client: .int(random.pick(AdversarialMessages.invalidClientIDs)))]), .outOfRange)
        case 5: return BodyPlan(report([entry(), entry()]), .badBody)  // a client listed twice
        default:
            return BodyPlan(random.pick([nil, .object([]), report([entry(client: random.pick(AdversarialMessages.notInts))])]), .badBody)
        }
    }
}
