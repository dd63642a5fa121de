import Foundation
import Synchronization

/// The language a reader sees the program in (issue 19). French or English; amounts and dates keep the company's
/// one format whichever it is (docs/LANGUAGE.md), and letters keep the customer's own language.
public enum Language: String, CaseIterable, Sendable, Codable {
    case fr, en

    /// The language the environment asks for: the first non-empty of `LC_ALL`, `LC_MESSAGES`, `LANG` (as
    /// setlocale reads them), French when it names `fr` (`fr_FR.UTF-8`, `fr_BE`, `fr`), English otherwise. Only the
    /// variable's name counts, so it works where no `fr_FR` locale is generated (most servers and containers).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Language {
        let value = ["LC_ALL", "LC_MESSAGES", "LANG"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty } ?? ""
        let name = value.prefix { $0 != "_" && $0 != "." && $0 != "@" && $0 != "-" }
        return name.lowercased() == "fr" ? .fr : .en
    }

    /// Who decides, first to last: `--lang`, the user's preference in the store, the environment.
    public static func choose(flag: Language?, preference: Language?, environment: [String: String] = ProcessInfo.processInfo.environment) -> Language {
        flag ?? preference ?? fromEnvironment(environment)
    }

    /// The plural form of `n` among a message's forms: French takes the singular for 0 and 1 ("0 appel",
    /// "1 relance", "2 relances"), English for 1 only ("0 calls", "1 call").
    public func pluralIndex(_ n: Int) -> Int {
        switch self {
        case .fr: n.magnitude <= 1 ? 0 : 1
        case .en: n.magnitude == 1 ? 0 : 1
        }
    }

    /// The language texts are worded in: a test's or a screen's own (`$scoped.withValue`), else the process's.
    public static var current: Language { scoped ?? process.withLock { $0 } }

    /// Sets the process's language (a command, once it knows the user).
    public static func set(_ language: Language) { process.withLock { $0 = language } }

    /// A language for one task and what it calls (tests render French and English side by side in parallel).
    @TaskLocal public static var scoped: Language?

    private static let process = Mutex<Language>(.en)
}

extension Language {
    /// `--lang fr|en` (or `--lang=fr`), taken out of a command line where it may stand on any command, before the
    /// parser sees it; `relance user set ID --lang` keeps it (there it is the user's preference). Arguments after
    /// `--` are left alone.
    public static func extractFlag(_ arguments: [String]) throws(FlagProblem) -> (arguments: [String], language: Language?) {
        if arguments.count >= 2, arguments[0] == "user", arguments[1] == "set" { return (arguments, nil) }
        var out: [String] = [], language: Language?, i = 0
        while i < arguments.count {
            let a = arguments[i]
            if a == "--" { out += arguments[i...]; break }
            var value: String?
            if a == "--lang" {
                guard i + 1 < arguments.count else { throw FlagProblem(value: nil) }
                value = arguments[i + 1]; i += 2
            } else if a.hasPrefix("--lang=") {
                value = String(a.dropFirst(7)); i += 1
            } else { out.append(a); i += 1; continue }
            guard let v = value, let l = Language(rawValue: v) else { throw FlagProblem(value: value) }
            language = l
        }
        return (out, language)
    }

    public struct FlagProblem: Error, Equatable, CustomStringConvertible {
        public var value: String?
        public init(value: String?) { self.value = value }
        public var description: String {
            value.map { tr("--lang: '{value}' is not fr or en", ["value": $0]) } ?? tr("--lang needs a value: fr or en")
        }
    }
}
