import Foundation

/// Drives a real terminal: one private tmux server per test, keys in, screen text out.
public final class Tmux {
    public let socket: String
    public let session = "t"

    /// Starts `command` in a detached session of `columns` x `rows`, with a UTF-8 locale and TERM=tmux-256color.
    /// The pane stays open after the command ends and shows `EXIT=<status>`.
    public init(_ command: String, columns: Int = 100, rows: Int = 30, environment: [String: String] = [:]) throws {
        socket = "relance-test-\(UUID().uuidString.prefix(8))"
        let env = (["TERM": "tmux-256color", "LANG": "C.UTF-8"].merging(environment) { $1 })
            .map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
        let shell = "env \(env) \(command); echo EXIT=$?; sleep 30"
        let (status, out) = try Spawn.run(["tmux", "-u", "-L", socket, "new-session", "-d", "-s", session,
                                           "-x", String(columns), "-y", String(rows), shell])
        guard status == 0 else { throw Spawn.SpawnError(message: "tmux did not start: \(out)") }
    }

    deinit { _ = try? Spawn.run(["tmux", "-L", socket, "kill-server"]) }

    /// Sends tmux key names (`Enter`, `BTab`, `F2`, `C-s`, `Escape`, `BSpace`).
    public func keys(_ names: String...) throws {
        _ = try Spawn.run(["tmux", "-L", socket, "send-keys", "-t", session] + names)
    }

    /// Sends raw bytes, in hex (`"1b", "5b"`), as a terminal would write them: for a key sequence split in two reads.
    public func bytes(_ hex: String...) throws {
        _ = try Spawn.run(["tmux", "-L", socket, "send-keys", "-t", session, "-H"] + hex)
    }

    /// Types text literally.
    public func type(_ text: String) throws {
        _ = try Spawn.run(["tmux", "-L", socket, "send-keys", "-t", session, "-l", text])
    }

    /// Pastes text as a terminal does: bracketed (`ESC [200~ ... ESC [201~`) when the program asked for it.
    public func paste(_ text: String) throws {
        _ = try Spawn.run(["tmux", "-L", socket, "set-buffer", "-b", "p", text])
        _ = try Spawn.run(["tmux", "-L", socket, "paste-buffer", "-p", "-b", "p", "-t", session])
    }

    /// Resizes the window, as a user dragging the terminal's corner.
    public func resize(columns: Int, rows: Int) throws {
        _ = try Spawn.run(["tmux", "-L", socket, "resize-window", "-t", session, "-x", String(columns), "-y", String(rows)])
    }

    public func capture() throws -> String {
        try Spawn.run(["tmux", "-L", socket, "capture-pane", "-p", "-t", session]).1
    }

    public func display(_ format: String) throws -> String {
        try Spawn.run(["tmux", "-L", socket, "display", "-p", "-t", session, format]).1.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Waits until the screen contains `text` (polls every 50 ms); returns the screen.
    @discardableResult
    public func waitFor(_ text: String, timeout: Double = 10) throws -> String {
        let start = Date()
        var screen = ""
        while Date().timeIntervalSince(start) < timeout {
            screen = try capture()
            if screen.contains(text) { return screen }
            usleep(50_000)
        }
        throw Spawn.SpawnError(message: "timed out waiting for '\(text)'; screen was:\n\(screen)")
    }
}
