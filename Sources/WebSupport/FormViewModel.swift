import Demarches
import Expressions
import Foundation

// View models hold stored properties only: swift-mustache reads them through `Mirror`, which does not see
// computed properties.

/// A form field as the `field` template draws it: one flag per widget, the value typed so far, its error.
public struct FieldVM {
    public struct Option { var value: String; var label: String; var checked: Bool; var ranks: [Rank] }
    public struct Rank { var n: Int; var selected: Bool }
    public struct Row { var heading: String; var cells: [Cell] }
    public struct Cell { var name: String; var label: String; var value: String }
    /// One item of a repeatable block: its questions, asked under `<block>.<n>.<question>`.
    public struct BlockItem {
        var legend: String; var fields: [FieldVM]
        /// Focused (and so scrolled to) when the page loads: the item just added, or the last one left.
        var focused = false
    }
    var id: String
    var label: String
    var help: String?
    var required: Bool
    var error: String?
    var value: String
    var options: [Option]
    /// Not asked given the answers so far: drawn with `hidden`, so the live-conditions script can reveal it.
    var hidden: Bool
    /// Filled from the account's verified FranceConnect identity: read-only, and said so.
    var fromFranceConnect = false
    var street = "", postcode = "", city = ""
    var start = "", end = "", rangeType = "", startLabel = "", endLabel = ""
    var lat = "", lon = ""
    var columns: [String] = []
    var rows: [Row] = []
    var keptFiles: [String] = []
    var checked = false
    var inputType: String?
    var inputMode: String?
    var autocomplete: String?
    var maxLength: Int?
    var accept: String?
    /// A file question's formats and size limit, shown before a file is chosen; the size, in bytes, for the
    /// script that refuses too large a file beside the field (`static/files.js`).
    var fileRules: String?
    var maxBytes: Int?
    var multipleFiles = false
    /// For a photo: the longest side the browser reduces it to before sending (`static/resize.js`).
    var resize: Int?
    var isLongText = false, isSelect = false, isRadio = false, isMultiple = false, isCheckbox = false
    var isAddress = false, isFile = false, isRange = false, isRanked = false, isAutocomplete = false
    var isPoint = false, isTable = false, isSection = false, isComment = false, isBlock = false
    /// A block's items, and what its buttons may do. Its help and error are kept apart, behind flags that every
    /// field has (`hasBlockHelp`, `hasBlockError`): the template draws the block's questions inside it, and
    /// Mustache looks a missing or nil name up in the enclosing block, so a question would otherwise show the
    /// block's help or error as its own.
    var items: [BlockItem] = []
    var itemCount = 0, canAdd = false, canRemove = false
    var addLabel = "", removeLabel = ""
    /// An address that locates the request, elsewhere than the collectivité's: the box confirming it, and the
    /// collectivité it names, with where its démarches are.
    var placeCheck = false, placeConfirmed = false
    var elsewhereName: String?, elsewhereURL: String?
    var hasBlockHelp = false, hasBlockError = false
    var blockHelp = "", blockError = ""
    /// Radios, checkboxes, addresses, ranges, rankings, points and tables are drawn as a fieldset.
    var isGroup = false
    var isInput = true
}

public struct ErrorItem { var id: String; var label: String; var message: String }

/// The form part of a page: fields plus the error summary.
public struct FormVM {
    public var fields: [FieldVM]
    var errorList: [ErrorItem]
    public var hasErrors: Bool
    var errorCount: Int
    var plural: Bool
    /// A failed page check, shown above the fields.
    public var pageError: String?
    /// A question asks for a photo: the page loads the script that reduces photos before sending.
    var resizesPhotos: Bool
    /// A question asks for a file: the page loads the script that checks its size before sending.
    var checksFiles: Bool

    /// - Parameters:
    ///   - values: what the person typed (kept on error, restored from a draft).
    ///   - errors: French messages by field id.
    ///   - page: the page drawn (all fields of a one-page form).
    ///   - visible: the fields asked given the answers; others are drawn hidden.
    ///   - keptFiles: files already attached on an earlier visit of this page.
    ///   - focusBlock: the block whose item was just added or removed (`BlockRows.target`): its last item takes the
    ///     focus, so the page comes back where the person was, not at its top (on a phone, far from the block).
    ///   - fromFranceConnect: the questions filled from the account's verified identity (read-only).
    /// - Parameter page: the page to show; nil shows every page's questions at once (a correction).
    public init(form: FormDefinition, values: [String: [String]], errors: [String: String], page: Int? = 0,
                visible: Set<String>, keptFiles: [String: [StoredFile]] = [:], focusBlock: String? = nil,
                elsewhere: [String: PlaceRule.Elsewhere] = [:], fromFranceConnect: Set<String> = []) {
        let logic = form.logic
        let pages = page.map { logic.pages.indices.contains($0) ? [logic.pages[$0]] : [] } ?? logic.pages
        let shown = pages.flatMap(\.fieldIndices).map { form.fields[$0] }.filter { $0.type != .computed }
        fields = shown.map { f in
            var vm = FormVM.field(f, values, errors[f.id], hidden: !visible.contains(f.id), kept: keptFiles[f.id] ?? [])
            if f.id == focusBlock, !vm.items.isEmpty { vm.items[vm.items.count - 1].focused = true }
            vm.fromFranceConnect = fromFranceConnect.contains(f.id)
            // An address elsewhere than the collectivité's: where to turn, and the box that confirms it (kept ticked).
            let confirmed = values["\(f.id).\(PlaceRule.confirmKey)"]?.first == "oui"
            if f.locatesRequest == true, elsewhere[f.id] != nil || confirmed {
                (vm.placeCheck, vm.placeConfirmed) = (true, confirmed)
                (vm.elsewhereName, vm.elsewhereURL) = (elsewhere[f.id]?.name, elsewhere[f.id]?.url)
            }
            return vm
        }
        errorList = shown.compactMap { f in errors[f.id].map { ErrorItem(id: f.id, label: f.label, message: $0) } }
        pageError = pages.lazy.compactMap { $0.pageField.flatMap { errors[$0.id] } }.first
        hasErrors = !errorList.isEmpty || pageError != nil
        resizesPhotos = shown.contains { $0.type == .image }
        checksFiles = shown.contains { $0.type.holdsFiles }
        errorCount = errorList.count
        plural = errorList.count > 1
    }

    static func field(_ f: Field, _ values: [String: [String]], _ error: String?, hidden: Bool, kept: [StoredFile]) -> FieldVM {
        let current = values[f.id] ?? []
        let count = f.options?.count ?? 0
        let options = (f.options ?? []).map { o in
            let rank = Int(values["\(f.id).\(o.value)"]?.first ?? "")
            return FieldVM.Option(value: o.value, label: o.label, checked: current.contains(o.value),
                                  ranks: f.type == .rankedChoice ? (1...max(count, 1)).map { FieldVM.Rank(n: $0, selected: $0 == rank) } : [])
        }
        var vm = FieldVM(id: f.id, label: f.label, help: f.help, required: f.required, error: error,
                         value: current.first ?? "", options: options, hidden: hidden)
        func part(_ name: String) -> String { values["\(f.id).\(name)"]?.first ?? "" }
        switch f.type {
        case .text: vm.inputType = "text"; vm.maxLength = f.effectiveMaxLength
            if f.id == "nom" { vm.autocomplete = "name" }
        case .longText: vm.isLongText = true; vm.maxLength = f.effectiveMaxLength
        case .email: vm.inputType = "email"; vm.autocomplete = "email"; vm.maxLength = 254
        case .phone: vm.inputType = "tel"; vm.autocomplete = "tel"; vm.maxLength = 20
        case .number:
            vm.inputType = "text"; vm.inputMode = f.integer == true ? "numeric" : "decimal"; vm.maxLength = 20
            // The limits are said before the error: « Entre 1 et 5. »
            let bounds: String? = switch (f.min, f.max) {
            case let (min?, max?): "Entre \(FrenchNumber.format(min)) et \(FrenchNumber.format(max))."
            case let (min?, nil): "Au moins \(FrenchNumber.format(min))."
            case let (nil, max?): "Au plus \(FrenchNumber.format(max))."
            case (nil, nil): nil
            }
            if let bounds { vm.help = [f.help, bounds].compactMap { $0 }.joined(separator: " ") }
        case .date:
            vm.inputType = "date"
            // The limit is said before the error: « Aujourd'hui au plus tard. »
            if let hint = f.timing?.hint { vm.help = [f.help, hint].compactMap { $0 }.joined(separator: " ") }
        case .dateRange, .timeRange:
            vm.isRange = true; vm.rangeType = f.type == .dateRange ? "date" : "time"
            (vm.startLabel, vm.endLabel) = f.type == .dateRange ? ("Du", "Au") : ("De", "À")
            vm.start = part("start"); vm.end = part("end")
        case .siret, .siren, .postcode:
            vm.inputType = "text"; vm.inputMode = "numeric"; vm.maxLength = f.type == .postcode ? 5 : 20
            if f.type == .postcode { vm.autocomplete = "postal-code" }
        case .nir, .iban, .rna, .antsPreApplication:
            vm.inputType = "text"; vm.maxLength = 42; vm.autocomplete = "off"
        case .singleChoice:
            switch f.effectiveDisplay {
            case .radio: vm.isRadio = true
            case .list: vm.isSelect = true
            case .autocomplete:
                vm.isAutocomplete = true; vm.inputType = "text"; vm.autocomplete = "off"
                vm.value = (f.options ?? []).first { $0.value == vm.value }?.label ?? vm.value
            }
        case .multipleChoice: vm.isMultiple = true
        case .rankedChoice: vm.isRanked = true
        case .checkbox: vm.isCheckbox = true; vm.checked = !vm.value.isEmpty
        case .address:
            vm.isAddress = true
            vm.street = part("street"); vm.postcode = part("postcode"); vm.city = part("city")
        case .mapPoint:
            vm.isPoint = true; vm.lat = part("lat"); vm.lon = part("lon")
        case .file, .image:
            vm.isFile = true
            vm.accept = f.effectiveAccept.map { "." + $0.rawValue }.joined(separator: ",")
            if f.type == .image {
                vm.accept = (vm.accept ?? "") + "," + f.effectiveAccept.map(\.contentType).joined(separator: ",")
                vm.resize = f.effectiveMaxPixels
            }
            vm.multipleFiles = f.effectiveMaxFiles > 1
            vm.keptFiles = kept.map(\.filename)
            vm.fileRules = f.fileRules
            vm.maxBytes = f.effectiveMaxBytes
        case .table:
            vm.isTable = true
            vm.columns = f.columns ?? []
            vm.rows = (f.rows ?? []).enumerated().map { r, heading in
                FieldVM.Row(heading: heading, cells: (f.columns ?? []).enumerated().map { c, column in
                    FieldVM.Cell(name: "\(f.id).\(r).\(c)", label: "\(heading), \(column)", value: part("\(r).\(c)"))
                })
            }
        case .block:
            vm.isBlock = true
            let count = BlockRows.count(of: f, in: values)
            vm.itemCount = count
            vm.items = (0..<count).map { n in
                FieldVM.BlockItem(legend: f.itemLegend(n + 1),
                                  fields: (f.fields ?? []).map { FormVM.field(f.question($0, ofItem: n), values, nil, hidden: false, kept: []) })
            }
            (vm.addLabel, vm.removeLabel) = (f.addItemLabel, f.removeItemLabel)
            vm.canAdd = count < f.effectiveMaxItems
            vm.canRemove = count > max(f.effectiveMinItems, 1)
            (vm.blockHelp, vm.blockError) = (vm.help ?? "", vm.error ?? "")
            (vm.hasBlockHelp, vm.hasBlockError, vm.help, vm.error) = (vm.help != nil, vm.error != nil, nil, nil)
        case .section: vm.isSection = true; vm.isInput = false
        case .comment: vm.isComment = true; vm.isInput = false
        case .computed, .page: vm.isInput = false
        }
        vm.isGroup = vm.isRadio || vm.isMultiple || vm.isAddress || vm.isRange || vm.isRanked || vm.isPoint || vm.isTable || vm.isBlock
        return vm
    }
}

/// A submitted value as shown to agents and citizens.
public struct DataItem {
    public struct FileLink {
        var name: String; var url: String; var size: String
        /// A stored file, with where whoever is looking downloads it.
        static func of(_ file: StoredFile, url: String) -> FileLink {
            FileLink(name: file.filename, url: url, size: "\(max(1, file.size / 1000)) ko")
        }
    }
    var label: String
    var text: String
    var files: [FileLink]

    /// - Parameters:
    ///   - only: the indices of the fields to list (one page of the summary); all when nil.
    ///   - fileURL: where each stored file is downloaded from, for whoever is looking.
    public static func list(form: FormDefinition, data: [String: FieldValue], only: [Int]? = nil,
                            fileURL: (StoredFile) -> String) -> [DataItem] {
        (only ?? Array(form.fields.indices)).compactMap { i in
            let f = form.fields[i]
            guard let value = data[f.id] else { return nil }
            if case .files(let fs) = value {
                return DataItem(label: f.label, text: "", files: fs.map { .of($0, url: fileURL($0)) })
            }
            return DataItem(label: f.label, text: text(value, f, isDate: form.logic.types[f.id] == .date), files: [])
        }
    }

    /// - Parameter isDate: the answer is a day (a date field, or a computed field whose expression gives a date).
    static func text(_ value: FieldValue, _ f: Field, isDate: Bool) -> String {
        switch value {
        case .text(let s):
            if isDate { return CivilDate.french(s) }
            return f.type == .singleChoice ? (f.options?.first { $0.value == s }?.label ?? s) : s
        case .number(let n): return FrenchNumber.format(n)
        case .choices(let l):
            let labels = l.map { v in f.options?.first { $0.value == v }?.label ?? v }
            return f.type == .rankedChoice ? labels.enumerated().map { "\($0 + 1). \($1)" }.joined(separator: "\n") : labels.joined(separator: ", ")
        case .flag(let b): return b ? "Oui" : "Non"
        case .address(let a): return "\(a.street)\n\(a.postcode) \(a.city)"
        case .range(let r):
            return f.type == .dateRange ? "du \(CivilDate.french(r.start)) au \(CivilDate.french(r.end))" : "de \(r.start) à \(r.end)"
        case .point(let p): return "\(p.lat), \(p.lon)"
        case .table(let rows):
            return zip(f.rows ?? [], rows).compactMap { heading, cells in
                let filled = zip(f.columns ?? [], cells).filter { !$0.1.isEmpty }.map { "\($0.0) : \($0.1)" }
                return filled.isEmpty ? nil : "\(heading) — \(filled.joined(separator: ", "))"
            }.joined(separator: "\n")
        case .files: return ""
        case .items(let items):
            return items.enumerated().map { n, item in
                "\(n + 1). " + (f.fields ?? []).compactMap { q in item[q.id].map { "\(q.label) : \(text($0, q, isDate: q.type == .date))" } }
                    .joined(separator: ", ")
            }.joined(separator: "\n")
        }
    }
}

/// How many items of each repeatable block a form page draws, and the « Ajouter un élément » / « Retirer le
/// dernier élément » buttons, which work without JavaScript: they post the page, which comes back with one item
/// more or less (`<block>._lignes`), nothing checked nor sent.
public enum BlockRows {
    /// Items drawn: as many as asked for, as filled, or as required, at least one, at most the block's maximum.
    static func count(of block: Field, in values: [String: [String]]) -> Int {
        let asked = Int(values["\(block.id).\(Field.blockCountKey)"]?.first ?? "") ?? 0
        let prefix = block.id + "."
        let filled = values.keys.compactMap { key -> Int? in
            guard key.hasPrefix(prefix) else { return nil }
            // The item's number comes from the posted name: bounded before counting past it.
            return Int(key.dropFirst(prefix.count).prefix { $0 != "." }).map { min($0, block.effectiveMaxItems) + 1 }
        }.max() ?? 0
        return min(max(asked, filled, block.effectiveMinItems, 1), block.effectiveMaxItems)
    }

    /// The block a button (`ajouter:<id>`, `retirer:<id>`) adds an item to or removes one from; nil for other actions.
    public static func target(of action: String) -> String? {
        let parts = action.split(separator: ":", maxSplits: 1).map(String.init)
        return parts.count == 2 && ["ajouter", "retirer"].contains(parts[0]) ? parts[1] : nil
    }

    /// The answers with one item more or less when `action` is a block's button (`ajouter:<id>`, `retirer:<id>`);
    /// nil for any other action. Removing drops the last item's answers.
    public static func applying(_ action: String, to values: [String: [String]], form: FormDefinition) -> [String: [String]]? {
        guard let id = target(of: action), let block = form.fields.first(where: { $0.id == id && $0.type == .block }) else { return nil }
        var values = values
        let count = Self.count(of: block, in: values)
        let next = action.hasPrefix("ajouter:") ? min(count + 1, block.effectiveMaxItems) : max(count - 1, max(block.effectiveMinItems, 1))
        if next < count { values = values.filter { !$0.key.hasPrefix("\(block.id).\(count - 1).") } }
        values["\(block.id).\(Field.blockCountKey)"] = ["\(next)"]
        return values
    }
}
