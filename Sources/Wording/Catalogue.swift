import Receivables
import RelanceResources

/// Every text the program shows, in French and English (issue 19). The English text is the message's id, as gettext
/// has it (`msgid`), so the code reads as what the user sees; `Resources/po/fr.po` holds the French. Placeholders are
/// named (`{amount}`, `{customer}`) so a translator can put them in another order.
///
/// Code words a text with `tr("…")` or `trn("…", "…", count:)`, the id always a literal: the catalogue tests find
/// every id in the sources and fail on one missing from `fr.po`, or on an entry of `fr.po` no code uses.
public struct Catalogue: Sendable {
    /// The forms of each message, by context and id.
    let messages: [String: [String]]

    public init(_ po: POFile) {
        var m: [String: [String]] = [:]
        for e in po.entries where !e.fuzzy && !e.forms.allSatisfy(\.isEmpty) { m[Self.key(e.id, e.context)] = e.forms }
        messages = m
    }

    static func key(_ id: String, _ context: String?) -> String { context.map { $0 + "\u{4}" + id } ?? id }

    public func forms(_ id: String, context: String?) -> [String]? { messages[Self.key(id, context)] }

    /// The French catalogue as shipped, read once. A damaged file (a user may edit `Resources/`) leaves the
    /// program in English with `frenchProblem` saying where, rather than stopping it.
    public static var french: Catalogue { loaded.catalogue }
    public static var frenchProblem: String? { loaded.problem }
    private static let loaded = load()

    public static let frenchPath = ResourceFiles.path(folder: "po", name: "fr.po")

    static func load() -> (catalogue: Catalogue, problem: String?) {
        guard let data = ResourceFiles.data(folder: "po", name: "fr.po") else {
            return (Catalogue(POFile(header: [:], entries: [])), "\(frenchPath) is missing: the screens stay in English")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            return (Catalogue(POFile(header: [:], entries: [])), "\(frenchPath) is not UTF-8: the screens stay in English")
        }
        do { return (Catalogue(try POFile.parse(text)), nil) } catch {
            return (Catalogue(POFile(header: [:], entries: [])), "\(frenchPath): \(error): the screens stay in English")
        }
    }

    /// `text` with each `{name}` replaced by `arguments[name]` (a name it lacks is left as written, so a
    /// translator's typo shows instead of vanishing).
    public static func fill(_ text: String, _ arguments: [String: String]) -> String { Phrase.fill(text, arguments) }
}

/// The text `id` (its English) in the reader's language, its `{placeholders}` filled.
public func tr(_ id: String, context: String? = nil, _ arguments: [String: String] = [:]) -> String {
    Catalogue.fill(translate(id, context: context), arguments)
}

/// A text whose form follows `count`: `singular` and `plural` are its English forms; `{count}` is the count unless
/// `arguments` gives it (formatted).
public func trn(_ singular: String, _ plural: String, context: String? = nil, count: Int, _ arguments: [String: String] = [:]) -> String {
    let language = Language.current
    let index = language.pluralIndex(count)
    let english = index == 0 ? singular : plural
    var text = english
    if language == .fr, let forms = Catalogue.french.forms(singular, context: context), index < forms.count { text = forms[index] }
    var args = arguments
    if args["count"] == nil { args["count"] = String(count) }
    return Catalogue.fill(text, args)
}

/// The text whose English is `id`, for ids kept in tables (`N_`, `K_` mark them where they are written, so the
/// catalogue tests still find every id).
public func translate(_ id: String, context: String? = nil) -> String {
    Language.current == .fr ? Catalogue.french.forms(id, context: context)?.first ?? id : id
}

/// Marks a text of a table for the catalogue (gettext's `gettext_noop`): the table keeps the English, `translate`
/// words it when shown (with the same `context`).
public func N_(_ id: String, context: String? = nil) -> String { id }

/// `N_` for a key bar's word (context "key").
public func K_(_ id: String) -> String { id }
