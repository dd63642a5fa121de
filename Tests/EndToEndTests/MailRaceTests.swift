import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// An outside audit (issue 22): while `relance mail --send` handed its first message off, a colleague made two
/// customers' reminders go by post and ran `relance letters --mark-sent`, and a payment settled a third customer:
/// the mail run then e-mailed them all anyway (reminders went by letter and by e-mail, one for invoices already
/// paid). Each message is now chosen again right before its own hand-off, and letters leave alone a customer whose
/// e-mail a live run is handing off.
@Suite struct MailRaceTests {
    var relance: String { productsDirectory + "/relance" }
    func run(_ args: [String]) throws -> (Int32, String) { try Spawn.run(["timeout", "120", relance] + args) }

    @Test func whatChangesDuringTheSendIsChosenAgainBeforeEachHandOff() throws {
        let dir = TempDirectory("mail-race"); defer { dir.remove() }
        let store = dir.file("s")
        let (d, dt) = try run(["demo", "--out", store, "--customers", "40", "--today", "2026-11-23"])
        try #require(d == 0, "\(dt)")
        let (w, wt) = try run(["mail", "--store", store, "--out", dir.file("plan"), "--date", "2026-11-23", "--user", "helene", "--format", "json"])
        try #require(w == 0, "\(wt)")
        let line = try #require(wt.split(separator: "\n").first { $0.hasPrefix("{") })
        let planned = try #require((try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["messages"] as? [[String: Any]])
        try #require(planned.count >= 4)
        let ids = planned.map { $0["customer_id"] as! String }
        let (first, paid) = (ids[0], ids[1])
        // The colleague's changes, made by the mail command itself during the first hand-off: the second customer
        // pays what it owes, the policy sends every reminder by post from now on, and the letters run.
        let (account, accountText) = try run(["account", "show", paid, "--store", store, "--user", "helene", "--format", "json"])
        try #require(account == 0, "\(accountText)")
        let open = try #require((try JSONSerialization.jsonObject(with: Data(accountText.utf8)) as? [String: Any])?["open"] as? String)
        try Data("date,customer_id,amount,reference\n2026-11-22,\(paid),\(open),PAYALL\n".utf8).write(to: URL(fileURLWithPath: dir.file("pay.csv")))
        let (p, pt) = try Spawn.run(["sh", "-c", "\"$0\" policy show --store \"$1\" 2>/dev/null", relance, store])
        try #require(p == 0, "\(pt)")
        var policy = try #require(try JSONSerialization.jsonObject(with: Data(pt.utf8)) as? [String: Any])
        policy["steps"] = (policy["steps"] as! [[String: Any]]).map { var s = $0; s["byEmail"] = false; return s }
        try JSONSerialization.data(withJSONObject: policy).write(to: URL(fileURLWithPath: dir.file("by-post.json")))
        let flag = dir.file("done")
        let mailer = dir.file("mailer.sh")
        try Data("""
        #!/bin/sh
        cat > /dev/null
        if [ ! -e \(flag) ]; then
          : > \(flag)
          \(relance) import payments \(dir.file("pay.csv")) --store \(store) --user helene >> \(dir.file("log")) 2>&1
          \(relance) policy set \(dir.file("by-post.json")) --store \(store) --user helene >> \(dir.file("log")) 2>&1
          \(relance) letters --store \(store) --out \(dir.file("letters")) --date 2026-11-23 --user helene --mark-sent --format json >> \(dir.file("log")) 2>&1
        fi
        exit 0

        """.utf8).write(to: URL(fileURLWithPath: mailer))
        chmod(mailer, 0o755)
        let (c, ct) = try run(["company", "set", "--store", store, "--user", "helene", "--mailer", mailer])
        try #require(c == 0, "\(ct)")
        let (s, st) = try run(["mail", "--send", "--store", store, "--date", "2026-11-23", "--user", "helene", "--format", "json"])
        let log = (try? String(contentsOfFile: dir.file("log"), encoding: .utf8)) ?? ""
        #expect(s == 0, "\(st)\n\(log)")
        // The first customer's e-mail was being handed off: it is sent, and the letters run left it alone. The paid
        // one: withdrawn, never sent. Every other: by post now, its e-mail withdrawn.
        let (o, ot) = try run(["outbox", "--store", store, "--user", "helene", "--format", "json"])
        try #require(o == 0, "\(ot)")
        let outbox = try #require(try JSONSerialization.jsonObject(with: Data(ot.utf8)) as? [[String: Any]])
        func entry(_ id: String) -> [String: Any]? { outbox.first { $0["customer_id"] as? String == id } }
        #expect(entry(first)?["status"] as? String == "sent")
        #expect(entry(paid)?["status"] as? String == "withdrawn" && entry(paid)?["reason"] as? String == "no-longer-due", "\(String(describing: entry(paid)))")
        // (Recorded by the letters run before their claim: no longer due; by post, not yet recorded: by letter.)
        for id in ids.dropFirst(2) {
            #expect(entry(id)?["status"] as? String == "withdrawn" && ["no-longer-due", "by-letter"].contains(entry(id)?["reason"] as? String ?? ""),
                    "\(id): \(String(describing: entry(id)))")
        }
        // Nobody got the day's reminder twice, by letter and by e-mail; the others got their letter.
        let history = try String(contentsOfFile: store + "/journal.jsonl", encoding: .utf8)
        for id in ids {
            let letter = history.contains("LTR-2026-11-23-\(id)-"), email = history.contains("MAIL-2026-11-23-\(id)-")
            #expect(!(letter && email), "\(id) got a letter and an e-mail")
        }
        #expect(!history.contains("LTR-2026-11-23-\(first)-") && !history.contains("LTR-2026-11-23-\(paid)-"), "\(log)")
        #expect(ids.dropFirst(2).allSatisfy { history.contains("LTR-2026-11-23-\($0)-") }, "\(log)")
        let (k, kt) = try run(["check", "--store", store])
        #expect(k == 0, "\(kt)")
    }
}
