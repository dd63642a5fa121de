import DemoData
import Foundation
import Testing
import TestSupport
@testable import FileStore
@testable import Receivables

/// Issue 23: after another process's compaction, a process that has read the compacted journal takes in the new
/// files without decoding the new snapshot, and holds exactly the book a fresh open reads; whenever that cannot be
/// vouched for (it read past the compaction, an import folded in), it decodes the snapshot whole as before.
@Suite struct AdoptCompactionTests {
    static let today = Fixtures.date("2026-11-23")

    func note(_ id: String, _ customer: String) -> Change {
        .logActivity(activity: Activity(id: id, at: "2026-11-23T10:00:00Z", date: Self.today, user: "helene", customerId: customer,
                                        channel: .phone, note: "note \(id)"))
    }

    func stores(_ dir: TempDirectory) throws -> (JSONFileStore, JSONFileStore, [String]) {
        let book = try DemoGenerator(customers: 30, seed: 2, today: Self.today).book()
        let a = try JSONFileStore.create(directory: dir.path + "/s", book: book)
        return (a, try JSONFileStore(directory: dir.path + "/s"), book.customerOrder)
    }

    /// The same book and histories as a fresh open of the store.
    func expectSameAsFresh(_ store: JSONFileStore, _ customers: [String], _ what: String) throws {
        let fresh = try JSONFileStore(directory: store.directory, forceReadOnly: true)
        #expect(store.seq == fresh.seq, "\(what)")
        #expect(store.book.records(includingActivities: false) == fresh.book.records(includingActivities: false), "\(what)")
        for id in customers { #expect(try store.history(of: id) == fresh.history(of: id), "\(what): \(id)") }
        #expect(StoreCheck.run(directory: store.directory).ok, "\(what)")
    }

    @Test func aProcessBehindTheCompactionReadsTheRestFromTheJournalItHeldAndAdopts() throws {
        let dir = TempDirectory("adopt-behind"); defer { dir.remove() }
        let (a, b, customers) = try stores(dir)
        try b.commit(user: "helene", note("B1", customers[0]))
        // Three changes B has not read, then A's compaction renames a new journal over the one B read.
        for i in 0..<3 { try a.commit(user: "helene", note("A\(i)", customers[i + 1])) }
        try a.compact()
        try b.commit(user: "helene", note("B2", customers[0]))
        #expect(b.lastLoad == .adopted)
        #expect(b.seq == 5)
        try expectSameAsFresh(b, customers, "after adopting")
        // And again, two compactions later (its held journal follows the new one).
        try a.commit(user: "helene", note("A9", customers[5]))
        try a.compact()
        try b.commit(user: "helene", note("B3", customers[5]))
        #expect(b.lastLoad == .adopted)
        try expectSameAsFresh(b, customers, "after a second compaction")
    }

    @Test func aReaderAdoptsToo() throws {
        let dir = TempDirectory("adopt-reader"); defer { dir.remove() }
        let (a, _, customers) = try stores(dir)
        let reader = try JSONFileStore(directory: a.directory, forceReadOnly: true)
        try a.commit(user: "helene", note("A1", customers[2]))
        try a.compact()
        #expect(try reader.refresh())
        #expect(reader.lastLoad == .adopted)
        try expectSameAsFresh(reader, customers, "reader")
    }

    @Test func aProcessThatSavedDuringTheCompactionAdoptsIt() throws {
        let dir = TempDirectory("adopt-past"); defer { dir.remove() }
        let (a, b, customers) = try stores(dir)
        // B saves while A writes its files: B has read changes 2-4 (one on an account A's snapshot also has news of),
        // A's snapshot stops at 1; the new journal carries 2-4.
        try a.commit(user: "helene", note("A1", customers[1]))
        try a.compact(whileWriting: {
            try b.commit(user: "helene", note("B1", customers[1]))
            try b.commit(user: "helene", note("B2", customers[2]))
            try b.commit(user: "helene", .updateCustomer(id: customers[3], patch: CustomerPatch(creditLimit: Money(euros: 5))))
        })
        try b.commit(user: "helene", note("B3", customers[2]))
        #expect(b.lastLoad == .adopted)
        #expect(b.seq == 5)
        try expectSameAsFresh(b, customers, "past the compaction")
        #expect(try b.history(of: customers[1]).suffix(2).map(\.id) == ["A1", "B1"])
        #expect(try b.history(of: customers[2]).suffix(2).map(\.id) == ["B2", "B3"])
    }

    @Test func anImportFoldedIntoASnapshotIsDecoded() throws {
        let dir = TempDirectory("adopt-import"); defer { dir.remove() }
        let (a, b, customers) = try stores(dir)
        _ = try a.commitThroughSnapshot { book, _ in
            var changed = book
            try changed.apply(.updateCustomer(id: customers[3], patch: CustomerPatch(creditLimit: Money(euros: 777))))
            return changed
        }
        try b.commit(user: "helene", note("B1", customers[3]))
        #expect(b.lastLoad == .decoded)
        #expect(b.book.customers[customers[3]]?.creditLimit == Money(euros: 777))
        try expectSameAsFresh(b, customers, "after an import")
    }

    @Test func aDamagedCompactedSnapshotIsRefusedAsBefore() throws {
        let dir = TempDirectory("adopt-damaged"); defer { dir.remove() }
        let (a, b, customers) = try stores(dir)
        try a.commit(user: "helene", note("A1", customers[1]))
        try a.compact()
        let path = dir.path + "/s/snapshot.jsonl"
        var bytes = try #require(FileManager.default.contents(atPath: path))
        bytes[bytes.count - 300] ^= 0x01   // in the history lines, which adoption reads
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect { try b.commit(user: "helene", note("B1", customers[1])) } throws: { "\($0)".contains("snapshot.jsonl") }
    }

    /// The view is read from the end of the file, in a tail that grows until it reaches back past the history lines.
    @Test func theViewIsTheSameWhateverTheTailFirstRead() throws {
        let dir = TempDirectory("adopt-view"); defer { dir.remove() }
        let (a, _, customers) = try stores(dir)
        for (i, id) in customers.enumerated() { try a.commit(user: "helene", note("V\(i)", id)) }
        let journalId = try #require(a.state.journalId)
        try a.compact()
        let path = dir.path + "/s/snapshot.jsonl"
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        let whole = try #require(SnapshotCodec.compactionView(fd: fd, size: size, path: path, of: journalId))
        #expect(whole.digests.count == customers.count && whole.index.entries.count == customers.count)
        for tail in [16, 100, 1_000, 4_096] {
            let small = try #require(SnapshotCodec.compactionView(fd: fd, size: size, path: path, of: journalId, initialTail: tail))
            #expect(small.digests == whole.digests && small.index.entries == whole.index.entries && small.header.seq == whole.header.seq, "\(tail)")
        }
        #expect(SnapshotCodec.compactionView(fd: fd, size: size, path: path, of: "another-journal") == nil)
        #expect(SnapshotCodec.compactionView(fd: fd, size: size - 1, path: path, of: journalId) == nil)
    }
}
