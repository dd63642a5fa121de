import Receivables

// The words for the domain's codes (issue 18: outcome, channel and status labels were English in the domain), in the
// reader's language (issue 19). Contexts keep apart words French genders differently: a dispute (un litige) is
// "ouvert", a promise (une promesse) "ouverte".

extension Activity.Channel {
    public var label: String {
        switch self {
        case .phone: tr("phone", context: "channel"); case .letter: tr("letter", context: "channel")
        case .email: tr("e-mail", context: "channel"); case .sms: tr("SMS", context: "channel"); case .fax: tr("fax", context: "channel")
        case .visit: tr("visit", context: "channel"); case .formalNotice: tr("formal notice", context: "channel")
        case .injunction: tr("injunction", context: "channel")
        case .litigationReview: tr("litigation review", context: "channel"); case .note: tr("note", context: "channel")
        case .system: tr("system", context: "channel")
        }
    }
}

extension Activity.Outcome {
    public var label: String {
        switch self {
        case .reached: tr("reached", context: "call outcome"); case .noAnswer: tr("no answer", context: "call outcome")
        case .leftMessage: tr("left message", context: "call outcome"); case .wrongNumber: tr("wrong number", context: "call outcome")
        case .promised: tr("promised", context: "call outcome"); case .disputed: tr("disputed", context: "call outcome")
        case .paymentInProgress: tr("payment in progress", context: "call outcome")
        case .paymentSent: tr("payment sent", context: "call outcome")
        case .invoiceNotReceived: tr("invoice not received", context: "call outcome")
        case .awaitingApproval: tr("awaiting approval", context: "call outcome")
        }
    }
}

extension Dispute.Status {
    public var label: String {
        switch self {
        case .open: tr("open", context: "dispute status"); case .inProgress: tr("in progress", context: "dispute status")
        case .resolvedCreditNote: tr("resolved: credit note", context: "dispute status")
        case .resolvedRejected: tr("resolved: claim rejected", context: "dispute status")
        case .withdrawn: tr("withdrawn", context: "dispute status")
        }
    }
}

extension Promise.State {
    public var label: String {
        switch self {
        case .open: tr("open", context: "promise state"); case .kept: tr("kept", context: "promise state")
        case .partiallyKept: tr("partially kept", context: "promise state"); case .broken: tr("broken", context: "promise state")
        case .withdrawn: tr("withdrawn", context: "promise state"); case .superseded: tr("superseded", context: "promise state")
        }
    }
}

extension LitigationDecision.Outcome {
    public var label: String {
        switch self {
        case .collectionAgency: tr("handed over to a collection agency")
        case .injunction: tr("injunction to pay (injonction de payer)")
        case .legal: tr("legal proceedings")
        case .writeOff: tr("written off", context: "litigation")
        case .amicable: tr("back to amicable follow-up")
        }
    }
    public var short: String {
        switch self {
        case .collectionAgency: tr("agency", context: "litigation"); case .injunction: tr("injunction", context: "litigation")
        case .legal: tr("legal", context: "litigation"); case .writeOff: tr("written off", context: "litigation short")
        case .amicable: tr("amicable", context: "litigation")
        }
    }
}

extension Policy.Channel {
    public var label: String { activityChannel.label }
}

extension PaymentTerms {
    /// "60 days", "45 days end of month", "end of month + 45 days", in the reader's language.
    public var label: String {
        switch rule {
        case .net: tr("{days} days", context: "terms", ["days": "\(days)"])
        case .endOfMonth: tr("{days} days end of month", ["days": "\(days)"])
        case .endOfMonthThenDays: tr("end of month + {days} days", ["days": "\(days)"])
        }
    }
}

extension AccountSummary.ItemState {
    /// The state column of the account's invoices.
    public var label: String {
        switch self {
        case .notDue: tr("not due", context: "item state"); case .dueSoon: tr("due soon", context: "item state")
        case .overdue: tr("overdue", context: "item state"); case .disputed: tr("disputed", context: "item state")
        case .promised: tr("promised", context: "item state"); case .inPlan: tr("in plan", context: "item state")
        case .handedOver: tr("handed over", context: "item state")
        }
    }
}

extension Dispute {
    /// A department a dispute goes to, in the reader's language (the codes are the policy's and the store's).
    public static func departmentLabel(_ code: String) -> String {
        switch code {
        case "billing": tr("billing", context: "department"); case "sales": tr("sales", context: "department")
        case "logistics": tr("logistics", context: "department"); case "quality": tr("quality", context: "department")
        case "operations": tr("operations", context: "department"); case "master data": tr("master data", context: "department")
        case "customer": tr("customer", context: "department")
        default: code
        }
    }
}

extension LetterLack {
    /// What a letter lacks, in the reader's language ("postal address").
    public var label: String {
        switch self {
        case .postalAddress: tr("postal address")
        case .signatory: tr("signatory")
        }
    }
}

extension CompanyField {
    /// The field's name in the reader's language, as `relance company show` lists it.
    public var label: String {
        switch self {
        case .legalName: tr("legal name")
        case .siren: tr("SIREN")
        case .street: tr("street")
        case .postalCode: tr("postal code")
        case .city: tr("city")
        case .phone: tr("phone")
        case .email: tr("e-mail")
        case .iban: tr("IBAN")
        case .bic: tr("BIC")
        case .signatory: tr("signatory")
        case .bounceEmail: tr("bounce e-mail")
        }
    }
}
