import Foundation

/// `check` of `backups/` (issue 14: it said OK after byte flips, a truncation, a link and a FIFO there): the
/// snapshots compaction kept must be restorable, so each is verified against its end line's checksums, and the
/// history file it names against the per-customer checksums it gives; links, FIFOs and devices are named. The
/// snapshots are not decoded (that would make `check` six times slower): the checksums cover every byte.
enum BackupsCheck {
    static func problems(in store: StoreDirectory) -> [String] {
        switch store.kind(of: JSONFileStore.backupsName) {
        case .missing: return []
        case .directory: break
        default: return ["\(store.file(JSONFileStore.backupsName)): not a directory"]
        }
        guard let backups = try? StoreDirectory(parent: store, name: JSONFileStore.backupsName, create: false) else {
            return ["\(store.file(JSONFileStore.backupsName)): cannot be opened"]
        }
        var problems: [String] = []
        for name in backups.list().sorted() {
            let kind = backups.kind(of: name)
            if kind == .symlink || kind == .fifo || kind == .other {
                problems.append("\(backups.file(name)): is \(kind == .symlink ? "a symbolic link" : kind == .fifo ? "a FIFO" : "not a regular file"); backups/ holds only the files compaction keeps")
                continue
            }
            if kind == .directory, name.hasPrefix("schema-") {
                // A migration's originals: the old store's snapshot, journal and history file.
                guard let folder = try? StoreDirectory(parent: backups, name: name, create: false) else { continue }
                for inner in folder.list().sorted() where folder.kind(of: inner) != .regular {
                    problems.append("\(folder.file(inner)): is not a regular file")
                }
                if folder.exists(JSONFileStore.snapshotName) {
                    if let p = snapshotProblem(folder, JSONFileStore.snapshotName) { problems.append(p) }
                }
                continue
            }
            guard kind == .regular, name.hasPrefix("snapshot-"), name.hasSuffix(".jsonl") else { continue }
            if let p = snapshotProblem(backups, name) { problems.append(p) }
        }
        return problems
    }

    /// A kept snapshot's end line and the history file it names (in the same folder), or what is wrong with them.
    /// `check` reads backups/ without the store's lock (it may take a while), so a compaction may prune a snapshot
    /// meanwhile (the snapshot first, then the history files no kept snapshot names): a snapshot gone by the end of
    /// its check was pruned, not damaged.
    static func snapshotProblem(_ dir: StoreDirectory, _ name: String) -> String? {
        let problem = firstProblem(dir, name)
        return problem != nil && dir.kind(of: name) == .missing ? nil : problem
    }

    private static func firstProblem(_ dir: StoreDirectory, _ name: String) -> String? {
        do {
            let data = try dir.read(name)
            let lines = splitLines(data)
            guard let first = lines.first, !first.isEmpty else { return "\(dir.file(name)): is empty" }
            let header = try JSONDecoder().decode(SnapshotCodec.Header.self, from: data[first])
            guard header.snapshot.schemaVersion >= 3 else { return nil }   // no checksums before schema 3
            try SnapshotCodec.verifyTrailer(data, lines: lines, path: dir.file(name))
            guard let historyName = header.snapshot.history else { return nil }
            guard !historyName.contains("/"), dir.kind(of: historyName) == .regular else {
                return "\(dir.file(name)): its history file \(historyName) is missing from \(dir.path) (or not a regular file)"
            }
            var index = HistoryIndex()
            let prefix = Array(#"{"history":"#.utf8)
            let decoder = JSONDecoder()
            for r in lines where data[r].starts(with: prefix) {
                let fast = data.withUnsafeBytes { raw in
                    RecordReader.line(in: raw.bindMemory(to: UInt8.self), range: (r.lowerBound - data.startIndex)..<(r.upperBound - data.startIndex))
                }
                let item = try fast ?? .history(decoder.decode(SnapshotCodec.HistoryLine.self, from: data[r]).history)
                guard case .history(let h) = item else { continue }
                index.entries[h.customerId] = .init(range: h.offset..<(h.offset + h.length), crc: h.crc.flatMap { UInt32($0, radix: 16) })
            }
            _ = try HistoryFile.verifyAll(historyName, index: index, directory: dir)
            return nil
        } catch let e as StoreError {
            return e.description
        } catch {
            return "\(dir.file(name)): not a Relance snapshot (\(error))"
        }
    }
}
