import Demarches

// View models hold stored properties only: swift-mustache reads them through `Mirror`, which does not see
// computed properties.

/// A form field as the `field` template draws it: one flag per widget, the value typed so far, its error.
public struct FieldVM {
    public struct Option { var value: String; var label: String; var checked: Bool }
    var id: String
    var label: String
    var help: String?
    var required: Bool
    var error: String?
    var value: String
    var options: [Option]
    var street = "", postcode = "", city = ""
    var checked = false
    var inputType: String?
    var inputMode: String?
    var autocomplete: String?
    var maxLength: Int?
    var accept: String?
    var isLongText = false, isSelect = false, isRadio = false, isMultiple = false, isCheckbox = false
    var isAddress = false, isFile = false
    /// Radios, checkboxes and addresses are drawn as a fieldset.
    var isGroup = false
}

public struct ErrorItem { var id: String; var label: String; var message: String }

/// The form part of a page: fields plus the error summary.
public struct FormVM {
    public var fields: [FieldVM]
    public var errorList: [ErrorItem]
    public var hasErrors: Bool
    public var errorCount: Int
    public var plural: Bool

    /// - Parameters:
    ///   - values: what the person typed (kept on error, restored from a draft).
    ///   - errors: French messages by field id.
    public init(form: FormDefinition, values: [String: [String]], errors: [String: String]) {
        fields = form.fields.map { FormVM.field($0, values, errors[$0.id]) }
        errorList = form.fields.compactMap { f in errors[f.id].map { ErrorItem(id: f.id, label: f.label, message: $0) } }
        hasErrors = !errorList.isEmpty
        errorCount = errorList.count
        plural = errorList.count > 1
    }

    static func field(_ f: Field, _ values: [String: [String]], _ error: String?) -> FieldVM {
        let current = values[f.id] ?? []
        let options = (f.options ?? []).map { FieldVM.Option(value: $0.value, label: $0.label, checked: current.contains($0.value)) }
        var vm = FieldVM(id: f.id, label: f.label, help: f.help, required: f.required, error: error,
                         value: current.first ?? "", options: options)
        switch f.type {
        case .text: vm.inputType = "text"; vm.maxLength = f.effectiveMaxLength
            if f.id == "nom" { vm.autocomplete = "name" }
        case .longText: vm.isLongText = true; vm.maxLength = f.effectiveMaxLength
        case .email: vm.inputType = "email"; vm.autocomplete = "email"; vm.maxLength = 254
        case .phone: vm.inputType = "tel"; vm.autocomplete = "tel"; vm.maxLength = 20
        case .number: vm.inputType = "text"; vm.inputMode = f.integer == true ? "numeric" : "decimal"; vm.maxLength = 20
        case .date: vm.inputType = "date"
        case .singleChoice: if options.count <= 5 { vm.isRadio = true } else { vm.isSelect = true }
        case .multipleChoice: vm.isMultiple = true
        case .checkbox: vm.isCheckbox = true; vm.checked = !vm.value.isEmpty
        case .address:
            vm.isAddress = true
            vm.street = values["\(f.id).street"]?.first ?? ""
            vm.postcode = values["\(f.id).postcode"]?.first ?? ""
            vm.city = values["\(f.id).city"]?.first ?? ""
        case .file:
            vm.isFile = true
            vm.accept = f.effectiveAccept.map { "." + $0.rawValue }.joined(separator: ",")
        }
        vm.isGroup = vm.isRadio || vm.isMultiple || vm.isAddress
        return vm
    }
}

/// A submitted value as shown to agents and citizens.
public struct DataItem {
    public struct FileLink { var name: String; var url: String; var size: String }
    var label: String
    var text: String
    var files: [FileLink]

    /// - Parameter fileURL: where each stored file is downloaded from, for whoever is looking.
    public static func list(form: FormDefinition, data: [String: FieldValue], fileURL: (StoredFile) -> String) -> [DataItem] {
        form.fields.compactMap { f in
            guard let value = data[f.id] else { return nil }
            switch value {
            case .text(let s):
                let shown = f.type == .date ? CalendarDate.french(s)
                    : f.type == .singleChoice ? (f.options?.first { $0.value == s }?.label ?? s) : s
                return DataItem(label: f.label, text: shown, files: [])
            case .number(let n): return DataItem(label: f.label, text: "\(n)".replacingOccurrences(of: ".", with: ","), files: [])
            case .choices(let l):
                let labels = l.map { v in f.options?.first { $0.value == v }?.label ?? v }
                return DataItem(label: f.label, text: labels.joined(separator: ", "), files: [])
            case .flag(let b): return DataItem(label: f.label, text: b ? "Oui" : "Non", files: [])
            case .address(let a): return DataItem(label: f.label, text: "\(a.street)\n\(a.postcode) \(a.city)", files: [])
            case .files(let fs):
                return DataItem(label: f.label, text: "", files: fs.map {
                    FileLink(name: $0.filename, url: fileURL($0), size: "\(max(1, $0.size / 1000)) ko")
                })
            }
        }
    }
}
