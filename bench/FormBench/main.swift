import Demarches
import Expressions
import Foundation
import Workflow

// The form engine's benchmark, without HTTP or database (bench/forms.sh adds the HTTP and storage side):
//   form-bench                 timings, as RESULT lines
//   form-bench definition      the 50-question démarche as JSON (to publish it)
//   form-bench body            a valid JSON submission for it
let arguments = CommandLine.arguments.dropFirst()
switch arguments.first {
case "definition": FileHandle.standardOutput.write(BenchForm.definition.canonicalJSON())
case "body": FileHandle.standardOutput.write(BenchForm.bodyJSON)
default: runTimings()
}

func measure(_ label: String, iterations: Int, unit: String = "us", _ body: () -> Void) {
    for _ in 0..<max(1, iterations / 10) { body() }  // warm up
    var samples: [Double] = []
    samples.reserveCapacity(iterations)
    for _ in 0..<iterations {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1000)
    }
    samples.sort()
    let scale = unit == "ms" ? 1000.0 : 1.0
    func f(_ x: Double) -> String { String(format: "%.1f", x / scale) }
    let mean = samples.reduce(0, +) / Double(samples.count)
    print("RESULT \(label) iterations=\(iterations) mean_\(unit)=\(f(mean)) p50_\(unit)=\(f(samples[samples.count / 2])) p99_\(unit)=\(f(samples[samples.count * 99 / 100]))")
}

func runTimings() {
    let definition = BenchForm.definition
    let problems = definition.problems
    guard problems.isEmpty else { print("the bench form does not check: \(problems)"); exit(1) }
    let json = definition.canonicalJSON()
    let context = EvaluationContext(today: CivilDate(iso: "2026-11-22")!)
    let raw = BenchForm.raw
    let outcome = FormValidator.validate(raw, against: definition.form, context: context)
    guard outcome.isValid else { print("the bench submission is invalid: \(outcome.errors)"); exit(1) }
    let conditional = definition.form.fields.filter { $0.condition != nil }.count
    print("form: \(definition.form.fields.count) elements, \(definition.form.fields.filter(\.type.isInput).count) questions, \(conditional) conditions, \(outcome.values.count) values kept")

    measure("form_parse_and_check_50_fields", iterations: 2_000) {
        _ = DemarcheDefinition.parse(json: json)
    }
    measure("form_validate_50_fields_20_conditions", iterations: 20_000) {
        _ = FormValidator.validate(raw, against: definition.form, context: context)
    }

    // 10,000 conditions of the shapes authors write, over one set of answers.
    let types: [String: ValueType] = ["n": .number, "t": .text, "d": .date, "b": .bool, "l": .list]
    let shapes = [
        "n > %d et b", "t == \"valeur %d\" ou non b", "age(d) >= %d", "\"x%d\" dans l ou vide(t)",
        "si(b, n * 2, n / 2) >= %d", "jours_entre(d, aujourdhui()) > %d et longueur(t) < 40",
    ]
    var conditions: [Expr] = []
    for i in 0..<10_000 {
        let source = String(format: shapes[i % shapes.count], i % 97)
        conditions.append(try! Checker.condition(source, fields: types))
    }
    let values: [String: Value] = ["n": .number(42), "t": .text("valeur 12"), "d": .date(CivilDate(iso: "1988-04-02")!),
                                   "b": .bool(true), "l": .list(["x1", "x2", "x3"])]
    var holding = 0
    measure("evaluate_10000_conditions", iterations: 200, unit: "ms") {
        holding = 0
        for condition in conditions where Evaluator.holds(condition, values: values, context: context) { holding += 1 }
    }
    print("(\(holding) of 10000 conditions hold)")
    measure("parse_and_check_10000_conditions", iterations: 20, unit: "ms") {
        for i in 0..<10_000 { _ = try? Checker.condition(String(format: shapes[i % shapes.count], i % 97), fields: types) }
    }
    workflowTimings(context: context)
    designerTimings(context: context)
}

/// The demo subsidy workflow's steps in the engine (storage excluded): filing (assignment, a computed field,
/// an e-mail rendered from a template, the deadline) and granting (a PDF attestation rendered).
func workflowTimings(context: EvaluationContext) {
    let subsidy = try! DemoCatalogue.definition("subvention-association")
    let engine = subsidy.engine(calendar: Calendar(identifier: .gregorian), context: context)
    var values = subsidy.expressionValues(
        data: ["association": .text("Les Amis du Parc"), "rna": .text("W691234567"), "budget": .number(10_000), "montant": .number(6_000),
               "taux": .number(60), "nom": .text("Paul Durand")],
        backOffice: [:], number: "CAL-2026-000001", status: "recue", submitted: CivilDate(iso: "2026-11-22")!)
    let now = Date()
    measure("workflow_file_subsidy", iterations: 20_000) { _ = engine.file(values: values, now: now) }
    values["priorite"] = .text("haute")
    let grant = subsidy.workflow.transition("accorder")!
    measure("workflow_grant_with_attestation_text", iterations: 20_000) { _ = engine.take(grant, from: "instruction", values: values, now: now) }
    measure("workflow_check_subsidy_definition", iterations: 2_000) { _ = WorkflowLogic(subsidy.workflow, fields: subsidy.form.logic.types) }
}

/// The designer's and data sources' costs: filling a form's list from a 5,000-row table (paid once per table
/// change, then cached), checking an answer against those rows, reading a bundle, comparing two versions.
func designerTimings(context: EvaluationContext) {
    let bundle = try! DemoCatalogue.bundle("subvention-association")
    let streets = (0..<5_000).map { Choice(value: "rue-\($0)", label: "Rue numéro \($0)") }
    measure("resolve_source_5000_rows", iterations: 200) { _ = bundle.demarche.resolvingSources(["domaines-associatifs": streets]) }
    let resolved = bundle.demarche.resolvingSources(["domaines-associatifs": streets])
    let field = resolved.form.fields.first { $0.id == "domaine" }!
    let single = FormDefinition(fields: [field])
    let raw = RawSubmission(values: ["domaine": ["rue-4999"]])
    guard FormValidator.validate(raw, against: single, context: context).isValid else { print("the street is refused"); exit(1) }
    measure("validate_choice_among_5000_rows", iterations: 2_000) { _ = FormValidator.validate(raw, against: single, context: context) }
    let json = bundle.canonicalJSON()
    measure("bundle_parse_and_check_subsidy", iterations: 2_000) { _ = DemarcheBundle.parse(json: json) }
    var next = bundle.demarche
    next.form.fields[1].label = "Nom complet de l'association"
    next.form.fields.append(Field(id: "remarque", label: "Remarque", type: .longText))
    let (a, b) = (String(decoding: bundle.demarche.canonicalJSON(), as: UTF8.self), String(decoding: next.canonicalJSON(), as: UTF8.self))
    measure("compare_subsidy_versions", iterations: 500) {
        _ = DefinitionDiff.changes(from: bundle.demarche, to: next)
        _ = DefinitionDiff.lines(from: a, to: b)
    }
}
