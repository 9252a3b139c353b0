import Demarches
import Foundation
import Workflow

extension Store {
    /// What filing these answers would do, without filing anything: the status the request would reach and the
    /// effects of the actions on the way (e-mails, assignment, fields set, documents). For the designer's
    /// test-fill; writes nothing, sends nothing.
    public func trialFiling(of definition: DemarcheDefinition, values: [String: FieldValue]) -> WorkflowEngine.Outcome {
        let now = clock()
        let env = definition.expressionValues(data: values, backOffice: [:], number: "ESSAI", status: definition.workflow.initialStatus,
                                              submitted: Self.lyonDay(now))
        return engine(for: definition).file(values: env, now: now)
    }
}
