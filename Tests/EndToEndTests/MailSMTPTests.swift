import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `relance mail --send` through a real SMTP server on 127.0.0.1 (Debian's python3-aiosmtpd, Tests/Fixtures/smtp/
/// server.py) with msmtp as the sendmail-compatible command, both installed by `.ci/run` (issue 22, done when).
/// What arrives is read back byte for byte and checked independently of Relance: CRLF only, the headers, the RFC
/// 2047 subject and the quoted-printable body decoded here, the invoice lines and totals against the letters
/// the same reminders make by post.
@Suite(.serialized, .enabled(if: SMTPServer.available || ProcessInfo.processInfo.environment["CI"] != nil))
struct MailSMTPTests {
    var relance: String { productsDirectory + "/relance" }
    func run(_ args: [String]) throws -> (Int32, String) { try Spawn.run(["timeout", "120", relance] + args) }

    /// A demo store whose mail command is msmtp to the server.
    func store(in dir: TempDirectory, mailer: String) throws -> String {
        let store = dir.file("s")
        let (d, dt) = try run(["demo", "--out", store, "--customers", "12", "--today", "2026-11-23"])
        try #require(d == 0, "\(dt)")
        let (c, ct) = try run(["company", "set", "--store", store, "--user", "helene", "--mailer", mailer])
        try #require(c == 0, "\(ct)")
        return store
    }

    /// Each customer's letter text, from a copy of `store` whose policy's steps all go by post.
    func lettersByPost(of store: String, in dir: TempDirectory) throws -> [String: String] {
        let copy = dir.file("by-post")
        _ = try Spawn.run(["cp", "-a", store, copy])
        let (p, pt) = try Spawn.run(["sh", "-c", "\"$0\" policy show --store \"$1\" 2>/dev/null", relance, copy])
        try #require(p == 0, "\(pt)")
        var policy = try JSONSerialization.jsonObject(with: Data(pt.utf8)) as! [String: Any]
        policy["steps"] = (policy["steps"] as! [[String: Any]]).map { var s = $0; s["byEmail"] = false; return s }
        let file = dir.file("by-post.json")
        try JSONSerialization.data(withJSONObject: policy).write(to: URL(fileURLWithPath: file))
        let (set, sett) = try run(["policy", "set", file, "--store", copy, "--user", "helene"])
        try #require(set == 0, "\(sett)")
        let out = dir.file("letters")
        let (l, lt) = try run(["letters", "--store", copy, "--user", "helene", "--date", "2026-11-23", "--out", out, "--format", "json"])
        try #require(l == 0, "\(lt)")
        let line = try #require(lt.split(separator: "\n").first { $0.hasPrefix("{") }, "\(lt)")
        let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
        let folder = o["folder"] as! String
        var texts: [String: String] = [:]
        for letter in o["letters"] as! [[String: Any]] {
            texts[letter["customer_id"] as! String] = try String(contentsOfFile: folder + "/" + (letter["file"] as! String), encoding: .utf8)
        }
        return texts
    }

    /// The messages of `mail --format json`'s line (the output's other lines are the warnings on stderr).
    func messages(_ output: String) throws -> [[String: Any]] {
        let json = try #require(output.split(separator: "\n").first { $0.hasPrefix("{") }, "\(output)")
        let o = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        return try #require(o?["messages"] as? [[String: Any]], "\(json)")
    }

    @Test func theDaysRemindersArriveWhole_aRefusedRecipientFailsAloneAndOnlyItIsSentAgain() throws {
        let dir = TempDirectory("mail-smtp"); defer { dir.remove() }
        // The day's e-mails, written only: who they go to (nothing sent, nothing recorded).
        var server = try SMTPServer(dir: dir.file("srv1"), refusing: [])
        let store = try store(in: dir, mailer: server.msmtp)
        let (w, wt) = try run(["mail", "--store", store, "--user", "helene", "--date", "2026-11-23", "--out", dir.file("copies"), "--format", "json"])
        try #require(w == 0, "\(wt)")
        let planned = try messages(wt)
        try #require(planned.count >= 3, "\(wt)")
        #expect(server.received().isEmpty)
        server.stop()
        // The letters the same reminders make by post: a copy of the store whose policy sends nothing by e-mail.
        let letters = try lettersByPost(of: store, in: dir)

        // The server refuses the second customer's address.
        let refused = planned[1]["to"] as! String
        server = try SMTPServer(dir: dir.file("srv2"), refusing: [refused])
        defer { server.stop() }
        let (c, ct) = try run(["company", "set", "--store", store, "--user", "helene", "--mailer", server.msmtp])
        try #require(c == 0, "\(ct)")
        let (s, st) = try run(["mail", "--send", "--store", store, "--user", "helene", "--date", "2026-11-23", "--format", "json"])
        #expect(s == 3, "a failure is said by the exit status: \(st)")
        let sent = try messages(st)
        #expect(sent.count == planned.count)
        let failed = sent.filter { $0["status"] as? String == "failed" }
        #expect(failed.count == 1 && failed.first?["to"] as? String == refused)
        #expect((failed.first?["reason"] as? String ?? "").contains("550 5.1.1"), "the server's own words: \(failed)")
        let arrived = server.received()
        #expect(arrived.count == planned.count - 1)

        // Each message as it arrived: CRLF only, the headers, and its invoices and amounts equal to the letter's.
        for m in sent where m["status"] as? String == "sent" {
            let to = m["to"] as! String
            let mail = try #require(arrived.first { $0.envelopeTo == [to] }, "no message for \(to)")
            #expect(mail.envelopeFrom == "retours@aciers-demo.invalid", "bounces go to the company's bounce address")
            #expect(!mail.hasBareLF, "bare LF in the message to \(to)")
            #expect(mail.header("Message-ID") == m["message_id"] as? String)
            #expect(mail.header("Auto-Submitted") == "auto-generated")
            #expect(mail.header("MIME-Version") == "1.0")
            #expect(mail.header("Content-Type") == "text/plain; charset=UTF-8")
            #expect(mail.header("Content-Transfer-Encoding") == "quoted-printable")
            #expect(mail.header("To")?.hasSuffix("<\(to)>") == true)
            #expect(mail.header("From")?.hasSuffix("<recouvrement@aciers-demo.invalid>") == true)
            #expect(mail.header("Subject")?.hasPrefix("=?UTF-8?B?") == true)
            #expect(mail.decodedSubject == m["subject"] as? String)
            let customer = m["customer_id"] as! String
            let letter = try #require(letters[customer], "no letter for \(customer)")
            // "  Facture F26-000028 du 02/10/2026, échue le 16/11/2026 (7 j) : 5 192,43 €" and the total, line for line.
            let figures = { (text: String) in text.split(separator: "\n").filter { $0.hasPrefix("  Facture ") || $0.hasPrefix("Total ") }.map(String.init) }
            #expect(!figures(letter).isEmpty)
            #expect(figures(mail.decodedBody) == figures(letter), "\(customer)")
            for item in m["invoices"] as! [[String: Any]] { #expect(letter.contains("Facture \(item["number"] as! String) du ")) }
        }
        let (o, ot) = try run(["outbox", "--store", store, "--user", "helene", "--status", "failed"])
        #expect(o == 0 && ot.contains(refused) && ot.contains("550 5.1.1"), "\(ot)")

        // The next run, the address fixed on the server's side: only the failed message goes, under its Message-ID.
        server.stop()
        server = try SMTPServer(dir: dir.file("srv3"), refusing: [])
        let (c2, c2t) = try run(["company", "set", "--store", store, "--user", "helene", "--mailer", server.msmtp])
        try #require(c2 == 0, "\(c2t)")
        let (again, againt) = try run(["mail", "--send", "--store", store, "--user", "helene", "--date", "2026-11-23", "--format", "json"])
        #expect(again == 0, "\(againt)")
        let second = server.received()
        #expect(second.count == 1 && second.first?.envelopeTo == [refused])
        #expect(second.first?.header("Message-ID") == failed.first?["message_id"] as? String)
        let (third, thirdt) = try run(["mail", "--send", "--store", store, "--user", "helene", "--date", "2026-11-23"])
        #expect(third == 0 && thirdt.contains("0 e-mails sent"), "\(thirdt)")
        #expect(server.received().count == 1)
        let (k, kt) = try run(["check", "--store", store])
        #expect(k == 0, "\(kt)")
    }

    @Test func aKillBetweenTheHandOffAndItsRecordSendsTheReminderAtMostTwiceUnderOneMessageID() throws {
        let dir = TempDirectory("mail-kill"); defer { dir.remove() }
        let server = try SMTPServer(dir: dir.file("srv"), refusing: [])
        defer { server.stop() }
        // The mail command hands the message over, then (the first time only) kills Relance with SIGKILL before it
        // can record it: the worst moment.
        let flag = dir.file("killed-once")
        let script = dir.file("mailer.sh")
        try Data("#!/bin/sh\n\(server.msmtp) \"$@\" || exit $?\nif [ ! -e \(flag) ]; then : > \(flag); kill -9 $PPID; fi\n".utf8)
            .write(to: URL(fileURLWithPath: script))
        chmod(script, 0o755)
        let store = try store(in: dir, mailer: script)
        let (k1, k1t) = try run(["mail", "--send", "--store", store, "--user", "helene", "--date", "2026-11-23"])
        #expect(k1 == 137, "killed: \(k1t)")
        let first = server.received()
        try #require(first.count == 1)
        let (s, st) = try run(["mail", "--send", "--store", store, "--user", "helene", "--date", "2026-11-23", "--format", "json"])
        #expect(s == 0, "\(st)")
        let sent = try messages(st)
        let all = server.received()
        #expect(all.count == sent.count + 1, "every reminder once, the one in doubt twice")
        let byRecipient = Dictionary(grouping: all, by: { $0.envelopeTo.joined() })
        for (to, copies) in byRecipient {
            #expect(copies.count <= 2, "\(to) received \(copies.count)")
            if copies.count == 2 { #expect(copies[0].header("Message-ID") == copies[1].header("Message-ID")) }
        }
        #expect(byRecipient[first[0].envelopeTo.joined()]?.count == 2)
        let (c, ct) = try run(["check", "--store", store])
        #expect(c == 0, "\(ct)")
        let (again, againt) = try run(["mail", "--send", "--store", store, "--user", "helene", "--date", "2026-11-23"])
        #expect(again == 0 && againt.contains("0 e-mails sent"), "\(againt)")
    }
}

extension MailSMTPTests {
    @Test func aStatementOfAccountGoesByEmailLikeAReminder() throws {
        let dir = TempDirectory("mail-statement"); defer { dir.remove() }
        let server = try SMTPServer(dir: dir.file("srv"), refusing: [])
        defer { server.stop() }
        let store = try store(in: dir, mailer: server.msmtp)
        let (p, pt) = try run(["statement", "C0002", "--store", store, "--user", "amelie", "--as-of", "2026-11-23"])
        try #require(p == 0, "\(pt)")
        let (s, st) = try run(["statement", "C0002", "--store", store, "--user", "helene", "--as-of", "2026-11-23", "--send"])
        #expect(s == 0 && st.contains("statement of account sent to"), "\(st)")
        let mail = try #require(server.received().first)
        #expect(server.received().count == 1 && !mail.hasBareLF)
        #expect(mail.decodedSubject?.hasPrefix("Relevé de compte au 23/11/2026 — ") == true)
        // The e-mail carries the printed statement's figures, line for line.
        let lines = { (t: String) in t.split(separator: "\n").filter { $0.hasPrefix("  Facture ") || $0.hasPrefix("Total ") || $0.hasPrefix("Solde ") }.map(String.init) }
        #expect(!lines(pt).isEmpty && lines(mail.decodedBody) == lines(pt))
        let (o, ot) = try run(["outbox", "--store", store, "--user", "helene", "--customer", "C0002", "--format", "json"])
        #expect(o == 0 && ot.contains("\"kind\":\"statement\"") && ot.contains("\"status\":\"sent\""), "\(ot)")
        // A customer without an address (a third of the demo's): said, nothing sent or recorded.
        let (n, nt) = try run(["statement", "C0003", "--store", store, "--user", "helene", "--as-of", "2026-11-23", "--send"])
        #expect(n == 2 && nt.contains("C0003 has no contact with an e-mail address"), "\(nt)")
        #expect(server.received().count == 1)
    }
}

/// The README's e-mail capture: on the default demo store the day's written reminders split into the e-mails and
/// the letters it says, and `mail --out` records nothing.
@Suite struct MailReadmeCaptureTests {
    var relance: String { productsDirectory + "/relance" }
    static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("README.md").path

    @Test func theReadmeCountsAreWhatTheCommandsSay() throws {
        let text = try String(contentsOfFile: Self.readme, encoding: .utf8)
        let dir = TempDirectory("mail-readme"); defer { dir.remove() }
        let store = dir.file("demo")
        let (d, dt) = try Spawn.run(["timeout", "60", relance, "demo", "--out", store, "--today", "2026-11-23"])
        try #require(d == 0, "\(dt)")
        let before = snapshotOfFiles(store)
        var said: [String: String] = [:]
        for (command, noun) in [("mail", "e-mails"), ("letters", "letters")] {
            let shown = try #require(text.range(of: "$ relance \(command) --store demo --out ").map { text[$0.upperBound...].split(separator: "\n").dropFirst().first.map(String.init) } ?? nil)
            let (s, out) = try Spawn.run(["sh", "-c", "cd \"$1\" && LANG=C.UTF-8 timeout 60 \"$2\" \(command) --store demo --out out-\(command) --date 2026-11-23 --user helene", "sh", dir.path, relance])
            #expect(s == 0)
            // The batch folder's name has the time and a random part: the rest is the README's.
            let count = { (line: String) in line.split(separator: " ").first.map(String.init) }
            #expect(count(shown) == count(out) && out.contains("\(noun) written to out-\(command)/2026-11-23-"), "README: \(shown)\nran: \(out)")
            said[command] = out
        }
        // The letters run counts the day's e-mails on the agenda it chose its letters from: as many as mail writes.
        let emails = try #require(said["mail"]?.split(separator: " ").first.map(String.init))
        #expect(said["letters"]?.contains("\n\(emails) more reminders go by e-mail: relance mail") == true, "\(said)")
        #expect(snapshotOfFiles(store) == before)
    }
}

/// The test's SMTP server: Tests/Fixtures/smtp/server.py under a Python that has aiosmtpd.
struct SMTPServer {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/smtp/server.py").path
    static let python: String? = ["/usr/bin/python3", "/usr/local/bin/python3"].first { p in
        FileManager.default.isExecutableFile(atPath: p) && (try? Spawn.run([p, "-c", "import aiosmtpd"]).0) == 0
    }
    static let msmtpPath = "/usr/bin/msmtp"
    static var available: Bool { python != nil && FileManager.default.isExecutableFile(atPath: msmtpPath) }

    let dir: String
    let pid: pid_t
    let port: String

    init(dir: String, refusing: [String]) throws {
        let python = try #require(Self.python, "python3 with aiosmtpd (apt-get install python3-aiosmtpd)")
        try #require(FileManager.default.isExecutableFile(atPath: Self.msmtpPath), "msmtp (apt-get install msmtp)")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        self.dir = dir
        pid = try Spawn.start([python, Self.script, dir + "/port", dir + "/mail"] + refusing, output: dir + "/server.log")
        var port: String?
        for _ in 0..<200 where port == nil {
            port = try? String(contentsOfFile: dir + "/port", encoding: .utf8)
            if port == nil { usleep(50_000) }
        }
        self.port = try #require(port, "the SMTP server did not start: \((try? String(contentsOfFile: dir + "/server.log", encoding: .utf8)) ?? "")")
    }

    /// msmtp to this server, with no configuration file of anyone's.
    var msmtp: String { "\(Self.msmtpPath) --file=/dev/null --host=127.0.0.1 --port=\(port) --auth=off --tls=off -t -i" }

    func stop() { kill(pid, SIGTERM); Spawn.wait(pid) }

    struct Mail {
        var raw: [UInt8]
        var envelopeFrom: String
        var envelopeTo: [String]

        var hasBareLF: Bool { raw.indices.contains { raw[$0] == 10 && ($0 == 0 || raw[$0 - 1] != 13) } }
        var text: String { String(decoding: raw, as: UTF8.self) }
        var headerPart: String { text.components(separatedBy: "\r\n\r\n").first ?? "" }
        /// A header's value, folded lines joined (RFC 5322 unfolding).
        func header(_ name: String) -> String? {
            let unfolded = headerPart.replacingOccurrences(of: "\r\n ", with: " ")
            return unfolded.components(separatedBy: "\r\n").first { $0.lowercased().hasPrefix(name.lowercased() + ":") }
                .map { String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces) }
        }
        /// `=?UTF-8?B?...?=` words decoded and joined (whitespace between encoded words is dropped, RFC 2047 6.2).
        var decodedSubject: String? {
            guard let s = header("Subject") else { return nil }
            return s.split(separator: " ").map { w -> String in
                guard w.hasPrefix("=?UTF-8?B?"), w.hasSuffix("?="), let d = Data(base64Encoded: String(w.dropFirst(10).dropLast(2))) else { return String(w) }
                return String(decoding: d, as: UTF8.self)
            }.joined()
        }
        /// The quoted-printable body decoded (soft breaks `=\r\n` removed, `=XX` bytes), CRLF read as LF.
        var decodedBody: String {
            let body = Array(raw.split(separator: 10, omittingEmptySubsequences: false).drop { !$0.isEmpty && $0 != [13] }.dropFirst().joined(separator: [10]))
            var out: [UInt8] = []
            var i = 0
            while i < body.count {
                if body[i] == UInt8(ascii: "="), i + 1 < body.count, body[i + 1] == 13 || body[i + 1] == 10 {
                    i += body[i + 1] == 13 ? 3 : 2; continue
                }
                if body[i] == UInt8(ascii: "="), i + 2 < body.count, let v = UInt8(String(decoding: body[i + 1...i + 2], as: UTF8.self), radix: 16) {
                    out.append(v); i += 3; continue
                }
                if body[i] != 13 { out.append(body[i]) }
                i += 1
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    func received() -> [Mail] {
        let folder = dir + "/mail"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".eml") }.sorted()
        return names.compactMap { n in
            guard let raw = FileManager.default.contents(atPath: folder + "/" + n),
                  let env = try? String(contentsOfFile: folder + "/" + n.dropLast(4) + ".env", encoding: .utf8) else { return nil }
            let lines = env.split(separator: "\n").map(String.init)
            return Mail(raw: Array(raw), envelopeFrom: lines.first ?? "", envelopeTo: Array(lines.dropFirst()))
        }
    }
}
