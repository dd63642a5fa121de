/// A customer account (the buyer), with the people and places a collector needs to reach.
public struct Customer: Codable, Sendable, Equatable, Identifiable {
    public var id: String
    public var name: String
    /// French legal id (9 digits), when known.
    public var siren: String?
    public var billingAddress: Address?
    /// Where goods are delivered; large customers receive goods in one place and pay from another.
    public var deliverySites: [Address]
    /// Accounts-payable contacts, first one is the default to call.
    public var contacts: [Contact]
    public var collector: String?
    public var salesperson: String?
    public var paymentTermsDays: Int
    /// How the days count (schema 7): from the invoice date (nil), then end of month, or end of month then days.
    public var paymentTermsRule: PaymentTerms.Rule?
    /// Business (nil), public body, public hospital or consumer (schema 7): the law sets their fees and terms.
    public var kind: Kind?
    public var customerKind: Kind { kind ?? .business }

    /// Who the customer is, for what the law lets a creditor claim (docs/DUNNING.md, "Customer kinds").
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case business, publicBody = "public", publicHospital = "public-hospital", consumer
        /// Years after the due date when the claim lapses: 2 for a consumer (L218-2 Code de la consommation), else 5.
        public var lapseYears: Int { self == .consumer ? 2 : 5 }
        /// The longest terms the law allows, in days from the invoice date (public bodies: R2192-10 and -11).
        public var maxTermsDays: Int? { self == .publicBody ? 30 : self == .publicHospital ? 50 : nil }
    }
    public var creditLimit: Money?
    /// Orders held by a supervisor decision (see the `blocked` report for the computed suggestion).
    public var orderBlocked: Bool
    /// Why orders are held (schema 10; set with the hold in the account form or `relance account set --hold`).
    public var holdReason: String?
    /// What the last customers import said (schema 10; see `ImportedTerms`).
    public var imported: ImportedTerms?
    /// The collectors before the current one, oldest first (schema 10; see `Assignment`).
    public var assignments: [Assignment]?
    /// The language of the customer's letters: "fr" (nil) or "en".
    public var language: String?
    /// A contractual late-interest rate (annual percent, "9.5"), replacing the legal rate when set.
    public var interestRatePercent: String?

    public static let languages = ["fr", "en"]
    public var letterLanguage: String { language ?? "fr" }

    public init(id: String, name: String, siren: String? = nil, billingAddress: Address? = nil,
                deliverySites: [Address] = [], contacts: [Contact] = [], collector: String? = nil,
                salesperson: String? = nil, paymentTermsDays: Int = 30, creditLimit: Money? = nil,
                orderBlocked: Bool = false, language: String? = nil, interestRatePercent: String? = nil,
                paymentTermsRule: PaymentTerms.Rule? = nil, kind: Kind? = nil) {
        self.id = id; self.name = name; self.siren = siren; self.billingAddress = billingAddress
        self.deliverySites = deliverySites; self.contacts = contacts; self.collector = collector
        self.salesperson = salesperson; self.paymentTermsDays = paymentTermsDays
        self.creditLimit = creditLimit; self.orderBlocked = orderBlocked
        self.language = language; self.interestRatePercent = interestRatePercent
        self.paymentTermsRule = paymentTermsRule; self.kind = kind
    }
}

/// A postal address.
public struct Address: Codable, Sendable, Equatable {
    public var label: String?
    public var street: String
    public var postalCode: String
    public var city: String
    /// Outside France (schema 7): the country's name, written last.
    public var country: String?
    public init(label: String? = nil, street: String, postalCode: String, city: String, country: String? = nil) {
        self.label = label; self.street = street; self.postalCode = postalCode; self.city = city; self.country = country
    }
    public var oneLine: String { [label, street, "\(postalCode) \(city)", country].compactMap { $0 }.joined(separator: ", ") }
    /// Enough for a letter to reach it: a street and a city.
    public var isPostal: Bool { !street.trimmed.isEmpty && !city.trimmed.isEmpty }
}

/// A person at the customer: who to call about payments.
extension Customer {
    /// Where written reminders go by e-mail: the first contact with an address (contacts are the accounts-payable
    /// people, the first one the default).
    public var reminderEmail: String? {
        contacts.lazy.compactMap { $0.email?.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty }
    }
}

public struct Contact: Codable, Sendable, Equatable {
    public var name: String
    public var role: String?
    public var phone: String?
    public var email: String?
    /// "Mme" or "M." (schema 7): "Dear Ms Moreau" in English, "Madame," in French.
    public var title: String?
    public init(name: String, role: String? = nil, phone: String? = nil, email: String? = nil, title: String? = nil) {
        self.name = name; self.role = role; self.phone = phone; self.email = email; self.title = title
    }
}

/// Someone who uses Relance, with the role that decides what they may change.
///
/// Who a process is comes from its Unix login (`login`, matched against the real uid's name), never from a
/// command-line option: on a shared machine nobody acts as someone else. A disabled user keeps their name in
/// the history but can no longer work, and their accounts show as unassigned.
public struct User: Codable, Sendable, Equatable, Identifiable {
    public var id: String
    public var name: String
    public var role: Role
    public var login: String?
    public var email: String?
    public var disabled: Bool
    /// The language the user reads Relance in (`fr`, `en`; schema 9), over the environment's; nil: the environment's.
    public var language: String?

    public init(id: String, name: String, role: Role, login: String? = nil, email: String? = nil, disabled: Bool = false,
                language: String? = nil) {
        self.id = id; self.name = name; self.role = role; self.login = login; self.email = email; self.disabled = disabled
        self.language = language
    }

    private enum CodingKeys: String, CodingKey { case id, name, role, login, email, disabled, language }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        role = try c.decode(Role.self, forKey: .role)
        login = try c.decodeIfPresent(String.self, forKey: .login)
        email = try c.decodeIfPresent(String.self, forKey: .email)
        disabled = try c.decodeIfPresent(Bool.self, forKey: .disabled) ?? false
        language = try c.decodeIfPresent(String.self, forKey: .language)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id); try c.encode(name, forKey: .name); try c.encode(role, forKey: .role)
        try c.encodeIfPresent(login, forKey: .login); try c.encodeIfPresent(email, forKey: .email)
        if disabled { try c.encode(true, forKey: .disabled) }
        try c.encodeIfPresent(language, forKey: .language)
    }

    public var isActive: Bool { !disabled }

    /// A Unix login as `useradd` accepts it: lower-case letters, digits, `_`, `-`, `.`; not starting with `-`.
    public static func isValidLogin(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, s.unicodeScalars.count <= 32, first != "-" else { return false }
        return s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" || $0 == "." }
    }

    public enum Role: String, Codable, Sendable, CaseIterable {
        case collector, supervisor, salesperson
    }
}

/// The company that sends the letters and e-mails: who the customers owe, and where to pay.
public struct CompanyProfile: Codable, Sendable, Equatable {
    public var legalName: String?
    public var siren: String?
    public var street: String?
    public var postalCode: String?
    public var city: String?
    public var phone: String?
    public var email: String?
    public var iban: String?
    public var bic: String?
    /// Who signs the letters ("Hélène Dupré, responsable du recouvrement").
    public var signatory: String?
    /// Where bounces of the e-mails go (`sendmail -f`; schema 12): a person's mailbox, not a no-reply.
    public var bounceEmail: String?

    public init(legalName: String? = nil, siren: String? = nil, street: String? = nil, postalCode: String? = nil, city: String? = nil,
                phone: String? = nil, email: String? = nil, bounceEmail: String? = nil, iban: String? = nil, bic: String? = nil, signatory: String? = nil) {
        self.legalName = legalName; self.siren = siren; self.street = street; self.postalCode = postalCode; self.city = city
        self.phone = phone; self.email = email; self.bounceEmail = bounceEmail; self.iban = iban; self.bic = bic; self.signatory = signatory
    }

    /// Where the e-mails' bounces go (`sendmail -f`): the bounce address, else the company's e-mail; nil: neither.
    public var bounceAddress: String? {
        [bounceEmail, email].compactMap { $0 }.first { !$0.isEmpty }
    }

    /// What letters need and is not set yet, for a warning.
    public var missingForLetters: [CompanyField] {
        [(CompanyField.legalName, legalName), (.siren, siren), (.street, street), (.postalCode, postalCode), (.city, city),
         (.iban, iban), (.signatory, signatory)].filter { ($0.1 ?? "").isEmpty }.map(\.0)
    }
}

/// A field of the company profile, as the edge names it (`relance company show`, what letters lack).
public enum CompanyField: String, Sendable, CaseIterable {
    case legalName, siren, street, postalCode, city, phone, email, iban, bic, signatory, bounceEmail
}

/// Facts about the store itself.
public struct StoreSettings: Codable, Sendable, Equatable {
    /// Made by `relance demo`: anyone may work as any of its users (`--user`), as the README's examples do.
    public var demo: Bool
    /// The sendmail-compatible command e-mails are handed to (schema 12), nil: `MailSettings.defaultCommand`.
    public var mailer: [String]?
    public init(demo: Bool = false, mailer: [String]? = nil) { self.demo = demo; self.mailer = mailer }
    /// `/usr/sbin/sendmail -t -i`: recipients from the headers, a line with a lone dot is not the end.
    public static let defaultMailer = ["/usr/sbin/sendmail", "-t", "-i"]
    public var mailCommand: [String] { mailer ?? Self.defaultMailer }
}

/// What a letter lacks to be posted whole (issue 17): a postal address for the customer; a signatory, for a formal
/// notice. A letter that lacks one is neither written nor recorded as sent, by any door.
public enum LetterLack: String, Sendable {
    case postalAddress = "postal address", signatory
}

extension Book {
    public func letterLacks(_ customerId: String, formalNotice: Bool) -> [LetterLack] {
        var out: [LetterLack] = []
        if !(customers[customerId]?.billingAddress?.isPostal ?? false) { out.append(.postalAddress) }
        if formalNotice, (company?.signatory ?? "").trimmingCharacters(in: .whitespaces).isEmpty { out.append(.signatory) }
        return out
    }
}
