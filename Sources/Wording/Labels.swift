import Receivables

// The words for the domain's codes (issue 18: outcome, channel and status labels were English in the domain). Each
// reader's screen and the commands word them here; the catalogue issue adds French.

extension Activity.Channel {
    public var label: String {
        switch self {
        case .phone: "phone"; case .letter: "letter"; case .email: "e-mail"; case .sms: "SMS"; case .fax: "fax"
        case .visit: "visit"; case .formalNotice: "formal notice"; case .injunction: "injunction"
        case .litigationReview: "litigation review"; case .note: "note"; case .system: "system"
        }
    }
}

extension Activity.Outcome {
    public var label: String {
        switch self {
        case .reached: "reached"; case .noAnswer: "no answer"; case .leftMessage: "left message"
        case .wrongNumber: "wrong number"; case .promised: "promised"; case .disputed: "disputed"
        case .paymentInProgress: "payment in progress"; case .paymentSent: "payment sent"
        case .invoiceNotReceived: "invoice not received"; case .awaitingApproval: "awaiting approval"
        }
    }
}

extension Dispute.Status {
    public var label: String {
        switch self {
        case .open: "open"; case .inProgress: "in progress"; case .resolvedCreditNote: "resolved: credit note"
        case .resolvedRejected: "resolved: claim rejected"; case .withdrawn: "withdrawn"
        }
    }
}

extension Promise.State {
    public var label: String {
        switch self {
        case .open: "open"; case .kept: "kept"; case .partiallyKept: "partially kept"; case .broken: "broken"
        case .withdrawn: "withdrawn"; case .superseded: "superseded"
        }
    }
}

extension LitigationDecision.Outcome {
    public var label: String {
        switch self {
        case .collectionAgency: "handed over to a collection agency"
        case .injunction: "injunction to pay (injonction de payer)"
        case .legal: "legal proceedings"
        case .writeOff: "written off"
        case .amicable: "back to amicable follow-up"
        }
    }
    public var short: String {
        switch self {
        case .collectionAgency: "agency"; case .injunction: "injunction"; case .legal: "legal"
        case .writeOff: "written off"; case .amicable: "amicable"
        }
    }
}

extension Policy.Channel {
    public var label: String { activityChannel.label }
}
