import Expressions
import Foundation

/// Runs a workflow on one request, without side effects: given where the request is and what happens (filing,
/// a button, a timer, a global action), it says which statuses the request goes through, what the actions
/// produce (rendered texts, values) and which timers to arm. The store applies the result in one transaction.
public struct WorkflowEngine: Sendable {
    public let workflow: WorkflowDefinition
    public let logic: WorkflowLogic
    public let calendar: Calendar
    public let context: EvaluationContext

    /// Automatic transitions taken in a row at most; the check refuses unconditional loops, this bounds the rest.
    static let maxHops = 20

    public init(workflow: WorkflowDefinition, logic: WorkflowLogic, calendar: Calendar, context: EvaluationContext) {
        self.workflow = workflow; self.logic = logic; self.calendar = calendar; self.context = context
    }

    public struct Move: Sendable, Equatable {
        public var transitionID: String?
        public var label: String
        public var from: String
        public var to: String
        /// Whether the citizen is told: the transition says so and the status is one they see.
        public var notifiesCitizen: Bool
        /// Why, as the agent wrote it (a decision's reason): in the history, and in the citizen's e-mail.
        public var reason: String?
    }

    public enum Effect: Sendable, Equatable {
        case email(to: WorkflowAction.Recipient, subject: String, body: String)
        case sms(to: String, text: String)
        case webhook(id: String, url: String, onError: String?)
        case assign(role: String, agent: String?)
        case set(field: String, value: Value)
        case correction(message: String, then: String?)
        case document(id: String, title: String, text: String, visibleToCitizen: Bool)
        case anonymise
        case delete
    }

    public struct ArmedTimer: Sendable, Equatable {
        public var transitionID: String
        public var due: Date
    }

    public struct Outcome: Sendable {
        public var moves: [Move] = []
        public var effects: [Effect] = []
        /// The status the request ends in.
        public var status: String
        /// Timers of the final status, when the request changed status (or was just filed); nil: keep the current ones.
        public var timers: [ArmedTimer]?
        /// The answers and back-office fields after the actions.
        public var values: [String: Value]
        /// A `delete` action ran: nothing after it was done.
        public var deleted = false
        /// The correction the agent wrote, used by the first correction action run.
        var writtenCorrection: String?
    }

    /// A request just filed enters the initial status (and whatever automatic transitions lead on from it).
    public func file(values: [String: Value], now: Date) -> Outcome {
        var run = Outcome(status: workflow.initialStatus, timers: nil, values: values)
        run.values[WorkflowNames.status] = .text(workflow.status(workflow.initialStatus)?.label ?? "")
        enter(workflow.initialStatus, &run)
        settle(&run, now: now, moved: true)
        return run
    }

    /// An agent's button, a timer or the return of a correction: takes `transition` from `status`, with the
    /// agent's reason if they gave one, and the correction they wrote in place of the démarche's text.
    public func take(_ transition: Transition, from status: String, values: [String: Value], now: Date, reason: String? = nil,
                     correction: String? = nil) -> Outcome {
        var run = Outcome(status: status, timers: nil, values: values)
        run.writtenCorrection = correction
        move(transition.id, label: transition.label, to: transition.to, actions: transition.actions,
             notifies: transition.notifiesCitizen, reason: reason, &run)
        settle(&run, now: now, moved: true)
        return run
    }

    /// A jump that is not a transition of the definition: the implicit decision, a correction sent back, a
    /// webhook's error branch. Runs the target's actions like any entry.
    public func jump(to target: String, label: String, from status: String, values: [String: Value], now: Date) -> Outcome {
        var run = Outcome(status: status, timers: nil, values: values)
        move(nil, label: label, to: target, actions: [], notifies: true, &run)
        settle(&run, now: now, moved: true)
        return run
    }

    /// A global action: its actions, no change of status unless they lead to automatic transitions.
    public func run(_ action: GlobalAction, in status: String, values: [String: Value], now: Date) -> Outcome {
        var run = Outcome(status: status, timers: nil, values: values)
        perform(action.actions, &run)
        settle(&run, now: now, moved: false)
        return run
    }

    /// Something the conditions read changed (a webhook answered): takes the automatic transitions that now apply.
    public func reconsider(_ status: String, values: [String: Value], now: Date) -> Outcome {
        var run = Outcome(status: status, timers: nil, values: values)
        settle(&run, now: now, moved: false)
        return run
    }

    /// A text of the definition (a template) as it reads on these values.
    public func text(_ source: String, values: [String: Value]) -> String {
        logic.template(source)?.render(values: values, context: context) ?? source
    }

    /// Whether a condition (by its source, as written in the definition) holds on these values.
    public func holds(_ condition: String, values: [String: Value]) -> Bool {
        guard let expr = logic.expression(condition) else { return false }
        return Evaluator.holds(expr, values: values, context: context)
    }

    // MARK: - Steps

    private func move(_ id: String?, label: String, to target: String, actions: [WorkflowAction], notifies: Bool,
                      reason: String? = nil, _ run: inout Outcome) {
        perform(actions, &run)
        guard !run.deleted else { return }
        let visible = workflow.status(target)?.visibleToCitizen ?? true
        run.moves.append(Move(transitionID: id, label: label, from: run.status, to: target, notifiesCitizen: notifies && visible, reason: reason))
        run.status = target
        run.values[WorkflowNames.status] = .text(workflow.status(target)?.label ?? target)
        enter(target, &run)
    }

    private func enter(_ status: String, _ run: inout Outcome) {
        perform(workflow.status(status)?.onEnter ?? [], &run)
    }

    /// Takes the automatic transitions that apply, then arms the timers of the status reached.
    private func settle(_ run: inout Outcome, now: Date, moved: Bool) {
        var hops = 0
        while !run.deleted, hops < Self.maxHops, let next = workflow.transitions.first(where: {
            $0.trigger == .automatic && $0.from.contains(run.status) && ($0.condition.map { holds($0, values: run.values) } ?? true)
        }) {
            move(next.id, label: next.label, to: next.to, actions: next.actions, notifies: next.notifiesCitizen, &run)
            hops += 1
        }
        guard !run.deleted, moved || !run.moves.isEmpty else { return }
        run.timers = workflow.transitions.compactMap { t in
            guard case .after(let delay) = t.trigger, t.from.contains(run.status) else { return nil }
            return ArmedTimer(transitionID: t.id, due: delay.after(now, in: calendar))
        }
    }

    private func perform(_ actions: [WorkflowAction], _ run: inout Outcome) {
        func text(_ source: String) -> String { self.text(source, values: run.values) }
        for action in actions {
            guard !run.deleted else { return }
            switch action {
            case .email(let to, let subject, let body): run.effects.append(.email(to: to, subject: text(subject), body: text(body)))
            case .sms(let to, let message): run.effects.append(.sms(to: text(to), text: text(message)))
            case .webhook(let id, let url, let onError): run.effects.append(.webhook(id: id, url: url, onError: onError))
            case .assign(let role, let agent): run.effects.append(.assign(role: role, agent: agent))
            case .set(let field, let source, _):
                let value = logic.expression(source).map { Evaluator.evaluate($0, values: run.values, context: context) } ?? .null
                run.values[field] = value
                run.effects.append(.set(field: field, value: value))
            case .correction(let message, let then):
                run.effects.append(.correction(message: run.writtenCorrection ?? text(message), then: then))
                run.writtenCorrection = nil
            case .document(let id, let title, let body, let visible):
                run.effects.append(.document(id: id, title: text(title), text: text(body), visibleToCitizen: visible))
            case .anonymise: run.effects.append(.anonymise)
            case .delete: run.effects.append(.delete); run.deleted = true
            }
        }
    }
}
