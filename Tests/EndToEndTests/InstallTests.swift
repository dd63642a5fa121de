import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `scripts/install.sh` puts a working Relance in a prefix: the program finds its resources (policy, catalogue,
/// templates) beside itself, not in the build folder, which the test hides in a private mount namespace.
@Suite struct InstallTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    @Test func theInstalledProgramWorksWithTheBuildFolderAway() throws {
        let dir = TempDirectory("install"); defer { dir.remove() }
        let prefix = dir.path + "/usr"
        let (status, output) = try Spawn.run([Self.repository + "/scripts/install.sh", "--prefix", prefix, "--bin-path", productsDirectory, "--no-man", "--no-setgid"])
        try #require(status == 0, "\(output)")
        var mode = stat()
        #expect(stat(prefix + "/lib/relance/relance", &mode) == 0 && mode.st_mode & S_ISGID == 0)   // the group-writable layout
        var st = stat()
        #expect(lstat(prefix + "/bin/relance", &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK)
        for completion in ["share/bash-completion/completions/relance", "share/zsh/site-functions/_relance", "share/fish/vendor_completions.d/relance.fish"] {
            let text = (try? String(contentsOfFile: prefix + "/" + completion, encoding: .utf8)) ?? ""
            #expect(text.contains("relance") && text.contains("import"), "\(completion)")
        }
        #expect(FileManager.default.fileExists(atPath: prefix + "/lib/relance/Relance_RelanceResources.resources/policy/default-policy.json"))
        // Without the build folder (hidden under an empty tmpfs, for this process only), the program still runs and
        // loads its policy: a demo store and its agenda.
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare"),
              (try? Spawn.run(["unshare", "-m", "true"]))?.0 == 0 else {
            print("InstallTests: no private mount namespace here (needs root and unshare); the build folder was not hidden")
            return
        }
        // The toolchain's libraries hidden too: the Swift runtime is linked in (a machine without the toolchain, and
        // the loader's secure mode for a setgid program, which ignores run paths).
        let script = "mount -t tmpfs tmpfs '\(productsDirectory)' && test ! -e '\(productsDirectory)/relance' && "
            + "tc=$(dirname \"$(dirname \"$(readlink -f \"$(command -v swiftc)\")\")\")/lib/swift && { [ ! -d \"$tc\" ] || mount -t tmpfs tmpfs \"$tc\"; } && "
            + "'\(prefix)/bin/relance' demo --out '\(dir.path)/store' --customers 5 --today 2026-11-23 && "
            + "'\(prefix)/bin/relance' agenda --store '\(dir.path)/store' --date 2026-11-23 --format csv"
        let (s2, t2) = try Spawn.run(["unshare", "-m", "sh", "-c", script])
        #expect(s2 == 0, "\(t2)")
        #expect(t2.contains("Demo store written") && t2.contains("customer"), "\(t2)")
    }
}
