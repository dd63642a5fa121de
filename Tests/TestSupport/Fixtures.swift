import Foundation
import Receivables

/// Small books for tests, built through `Book.apply` like real data.
public enum Fixtures {
    public static func date(_ s: String) -> CalendarDate { try! CalendarDate.parse(s) }
    /// The supervisor of every fixture book.
    public static let supervisor = "helene"
    public static func eur(_ s: String) -> Money { try! Money.parse(s) }

    /// One customer with the given invoices (number, issue, due, amount).
    public static func book(customer: String = "C1", name: String = "Société Générale de Chaudronnerie",
                            invoices: [(String, String, String, String)], collector: String = "amelie",
                            policy: Policy = .standard) -> Book {
        var b = Book(policy: policy)
        // The team's supervisor (imports, payments, write-offs: the permission table) and the account's collector.
        try! b.apply(.upsertUser(user: User(id: supervisor, name: "Hélène Dupré", role: .supervisor)))
        try! b.apply(.upsertUser(user: User(id: collector, name: "Amélie Rousseau", role: .collector)))
        try! b.apply(.upsertCustomer(customer: Customer(id: customer, name: name, siren: "552100554",
            contacts: [Contact(name: "Hélène Martin", role: "Comptable", phone: "01 23 45 67 89")], collector: collector,
            paymentTermsDays: 30, creditLimit: Money(euros: 50_000))))
        for (n, issue, due, amount) in invoices {
            try! b.apply(.upsertInvoice(invoice: Invoice(number: n, customerId: customer, issueDate: date(issue), dueDate: date(due), amount: eur(amount))))
        }
        return b
    }

    public static func pay(_ book: inout Book, _ id: String, customer: String = "C1", on day: String, _ allocations: [(String, String)]) throws {
        let allocs = allocations.map { Allocation(invoice: $0.0, amount: eur($0.1)) }
        try book.apply(.recordPayment(payment: Payment(id: id, customerId: customer, date: date(day), amount: allocs.sum(\.amount), allocations: allocs)))
    }
}
