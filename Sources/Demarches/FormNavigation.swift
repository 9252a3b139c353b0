/// Moving through a multi-page form, decided from one validation of everything answered so far
/// (`FormValidator.validate`): which page to show, which comes next or before.
extension FormValidator.Outcome {
    /// The page a citizen asking for `requested` should see: the first earlier page with an answer to fix (a page
    /// is shown only once the pages before it are complete), else the requested page if it applies, else the next
    /// page that does.
    public func pageToShow(requested: Int) -> Int {
        if let fix = pagesWithErrors.filter({ $0 < requested }).min() { return fix }
        if visiblePages.contains(requested) { return requested }
        return page(after: requested) ?? visiblePages.first ?? 0
    }

    /// The first page with an answer to fix up to and including `page`: moving on from it is refused there.
    public func pageToFix(through page: Int) -> Int? { pagesWithErrors.filter { $0 <= page }.min() }

    /// The next page that applies after `index`; nil when it was the last (the summary comes next).
    public func page(after index: Int) -> Int? { visiblePages.first { $0 > index } }

    /// The page that applies before `index`, for "Revenir à l'étape précédente".
    public func page(before index: Int) -> Int? { visiblePages.last { $0 < index } }
}
